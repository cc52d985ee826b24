import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parseAllDocuments } from 'yaml';

/** A rendered Kubernetes object, as kustomize prints it. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  resources?: string[];
  components?: string[];
  namespace?: string;
  images?: Array<{ name: string; newName?: string; newTag?: string }>;
  patches?: Array<{ target?: PatchTarget; patch: string }>;
}
interface PatchTarget {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
}
type JsonPatchOp = { op: 'add' | 'remove' | 'replace' | 'test'; path: string; value?: unknown };

/**
 * The features of kustomize this renderer implements, and so the only ones deploy/kubernetes may
 * use: a kustomization with another field fails here rather than being rendered wrong.
 */
const SUPPORTED = new Set(['apiVersion', 'kind', 'resources', 'components', 'namespace', 'images', 'patches']);
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition']);

/** YAML documents of a file, without the empty ones (a file of only comments). */
export function readObjects(file: string): K8sObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((doc) => {
      if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0].message}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
}

function readKustomization(dir: string, kind: 'Kustomization' | 'Component'): Kustomization {
  const file = join(dir, 'kustomization.yaml');
  if (!existsSync(file)) throw new Error(`${dir} has no kustomization.yaml`);
  const k = readObjects(file)[0] as unknown as Kustomization;
  const unknown = Object.keys(k).filter((key) => !SUPPORTED.has(key));
  if (unknown.length) throw new Error(`${file}: ${unknown.join(', ')} not supported by this renderer`);
  if ((k.kind ?? 'Kustomization') !== kind) throw new Error(`${file}: expected kind ${kind}, got ${k.kind}`);
  return k;
}

/**
 * Renders a kustomization the way `kubectl kustomize` does for the features above: its
 * resources (files, or folders with their own kustomization), then its components (each
 * adds its resources, then patches everything so far), then its own patches, namespace
 * and images. `extraComponents` renders it as if they were listed in it.
 */
export function render(dir: string, extraComponents: string[] = []): K8sObject[] {
  const k = readKustomization(dir, 'Kustomization');
  let objects = collect(dir, k.resources ?? []);
  for (const component of [...(k.components ?? []).map((c) => join(dir, c)), ...extraComponents]) {
    const c = readKustomization(component, 'Component');
    if (c.namespace || c.images) throw new Error(`${component}: namespace and images belong in the kustomization`);
    objects = applyPatches([...objects, ...collect(component, c.resources ?? [])], c.patches ?? []);
  }
  objects = applyPatches(objects, k.patches ?? []);
  if (k.namespace) for (const o of objects) if (!CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace;
  for (const image of k.images ?? []) setImage(objects, image);
  return objects;
}

function collect(dir: string, resources: string[]): K8sObject[] {
  return resources.flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? render(path) : readObjects(path);
  });
}

function matches(o: K8sObject, target: PatchTarget): boolean {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
  return (
    (target.group === undefined || target.group === group) &&
    (target.version === undefined || target.version === version) &&
    (target.kind === undefined || target.kind === o.kind) &&
    (target.name === undefined || target.name === o.metadata.name)
  );
}

/**
 * JSON 6902 patches (add, remove, replace, test) on a target, and strategic merge patches that
 * only delete the object they name (`$patch: delete`); any other strategic merge patch fails.
 */
function applyPatches(objects: K8sObject[], patches: Kustomization['patches'] & object): K8sObject[] {
  for (const { target, patch } of patches) {
    if (!target) {
      objects = deleteNamed(objects, patch);
      continue;
    }
    const ops = readOps(patch);
    const hits = objects.filter((o) => matches(o, target));
    if (hits.length === 0) throw new Error(`patch target ${JSON.stringify(target)} matches nothing`);
    for (const o of hits) for (const op of ops) applyOp(o, op);
  }
  return objects;
}

/** A strategic merge patch with no target applies to the object it names; only a deletion is supported. */
function deleteNamed(objects: K8sObject[], patch: string): K8sObject[] {
  const doc = parseAllDocuments(patch)[0]?.toJS() as Partial<K8sObject> & { $patch?: string };
  const fields = Object.keys(doc ?? {}).sort();
  const names = ['$patch', 'apiVersion', 'kind', 'metadata'];
  if (
    doc?.$patch !== 'delete' ||
    !isDeepStrictEqual(fields, names) ||
    Object.keys(doc.metadata ?? {}).join() !== 'name'
  )
    throw new Error(
      `only a strategic merge patch that deletes an object (apiVersion, kind, metadata.name, $patch: delete) is supported:\n${patch}`,
    );
  const named = (o: K8sObject) =>
    o.apiVersion === doc.apiVersion && o.kind === doc.kind && o.metadata.name === doc.metadata!.name;
  if (!objects.some(named)) throw new Error(`patch deleting ${doc.kind}/${doc.metadata!.name} matches nothing`);
  return objects.filter((o) => !named(o));
}

function readOps(patch: string): JsonPatchOp[] {
  const doc = parseAllDocuments(patch)[0]?.toJS() as unknown;
  if (!Array.isArray(doc)) throw new Error(`only JSON 6902 patches (a list of ops) are supported:\n${patch}`);
  return doc as JsonPatchOp[];
}

function applyOp(o: K8sObject, { op, path, value }: JsonPatchOp): void {
  const keys = path
    .split('/')
    .slice(1)
    .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (op === 'test') {
    const found = keys.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], o);
    if (!isDeepStrictEqual(found, value))
      throw new Error(`test ${path}: expected ${JSON.stringify(value)}, found ${JSON.stringify(found)}`);
    return;
  }
  const last = keys.pop()!;
  let parent: Record<string, unknown> | unknown[] = o;
  for (const key of keys) {
    const next = (parent as Record<string, unknown>)[key];
    if (typeof next !== 'object' || next === null) throw new Error(`${op} ${path}: ${key} is not there`);
    parent = next as Record<string, unknown>;
  }
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (op === 'add') parent.splice(index, 0, value);
    else if (index >= parent.length) throw new Error(`${op} ${path}: no such element`);
    else if (op === 'remove') parent.splice(index, 1);
    else parent[index] = value;
    return;
  }
  if (op !== 'add' && !(last in parent)) throw new Error(`${op} ${path}: no such field`);
  if (op === 'remove') delete parent[last];
  else parent[last] = value;
}

/** kustomize's images transformer: every container and init container whose image is `name`. */
function setImage(
  objects: K8sObject[],
  { name, newName, newTag }: { name: string; newName?: string; newTag?: string },
) {
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if ((key === 'containers' || key === 'initContainers') && Array.isArray(value))
        for (const c of value as Array<{ image?: string }>) {
          const [image, tag] = (c.image ?? '').split(':');
          if (image === name) c.image = `${newName ?? image}${newTag ? `:${newTag}` : tag ? `:${tag}` : ''}`;
        }
      visit(value);
    }
  };
  visit(objects);
}
