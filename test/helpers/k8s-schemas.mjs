// Validates Kubernetes objects (a JSON array on stdin) against the schemas of kubernetes-models
// and @kubernetes-models/keda; prints {"validated": n, "errors": [...]}. A process of its own:
// these packages are ES modules that export only for `import`, which jest's require cannot load.
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import * as apps from 'kubernetes-models/apps/v1';
import * as autoscaling from 'kubernetes-models/autoscaling/v2';
import * as batch from 'kubernetes-models/batch/v1';
import * as policy from 'kubernetes-models/policy/v1';
import * as core from 'kubernetes-models/v1';

/** The model of every kind the manifests use; a kind missing here is an error, not a pass. */
const MODELS = {
  v1: core,
  'apps/v1': apps,
  'batch/v1': batch,
  'policy/v1': policy,
  'autoscaling/v2': autoscaling,
  'keda.sh/v1alpha1': { ScaledObject },
};

let input = '';
for await (const chunk of process.stdin) input += chunk;
const errors = [];
let validated = 0;
for (const object of JSON.parse(input)) {
  const name = `${object.kind}/${object.metadata?.name}`;
  const Model = MODELS[object.apiVersion]?.[object.kind];
  if (!Model) {
    errors.push(`${name}: no schema for ${object.apiVersion} ${object.kind} (add its model to ${import.meta.url})`);
    continue;
  }
  try {
    new Model(object).validate();
    validated++;
  } catch (error) {
    errors.push(`${name}: ${error.message}`);
  }
}
process.stdout.write(JSON.stringify({ validated, errors }));
