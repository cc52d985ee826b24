import { dirname, join } from 'node:path';

/** A file of an npm package, found from its package.json (the packages' exports do not list their UMD builds). */
const packageFile = (pkg: string, file: string) => join(dirname(require.resolve(`${pkg}/package.json`)), file);

/**
 * What the GraphiQL page loads, all from the app's own npm packages under /graphiql/assets/,
 * so it works without internet and asks no third-party origin for anything (Mercurius'
 * own page loads React and GraphiQL from a public CDN). The versions are the package.json pins.
 */
export const GRAPHIQL_ASSETS: Record<string, { path: string; contentType: string }> = {
  'react.js': {
    path: packageFile('react', 'umd/react.production.min.js'),
    contentType: 'application/javascript; charset=utf-8',
  },
  'react-dom.js': {
    path: packageFile('react-dom', 'umd/react-dom.production.min.js'),
    contentType: 'application/javascript; charset=utf-8',
  },
  'graphiql.js': {
    path: packageFile('graphiql', 'graphiql.min.js'),
    contentType: 'application/javascript; charset=utf-8',
  },
  // Its fonts are inlined as data: URLs.
  'graphiql.css': { path: packageFile('graphiql', 'graphiql.min.css'), contentType: 'text/css; charset=utf-8' },
};

export const GRAPHIQL_HTML = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Stevedore GraphiQL</title>
  <meta name="robots" content="noindex">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="stylesheet" href="/graphiql/assets/graphiql.css">
  <style>body { margin: 0; } #graphiql { height: 100vh; }</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="/graphiql/assets/react.js"></script>
  <script src="/graphiql/assets/react-dom.js"></script>
  <script src="/graphiql/assets/graphiql.js"></script>
  <script src="/graphiql/app.js"></script>
</body>
</html>
`;

/**
 * The page's script. Every request needs the API key: put it in the Headers tab as
 * { "x-api-key": "<key>" }. The same headers go into graphql-ws' connection_init for
 * subscriptions, which is where the server looks for the key on a websocket.
 */
export const GRAPHIQL_APP_JS = `/* global React, ReactDOM, GraphiQL */
(function () {
  var url = window.location.origin + '/graphql';
  var subscriptionUrl = url.replace(/^http/, 'ws');
  function fetcher(params, options) {
    var headers = (options && options.headers) || {};
    return GraphiQL.createFetcher({ url: url, subscriptionUrl: subscriptionUrl, wsConnectionParams: headers })(params, options);
  }
  var element = React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultHeaders: '{\\n  "x-api-key": ""\\n}',
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: true,
  });
  var container = document.getElementById('graphiql');
  if (ReactDOM.createRoot) ReactDOM.createRoot(container).render(element);
  else ReactDOM.render(element, container);
})();
`;
