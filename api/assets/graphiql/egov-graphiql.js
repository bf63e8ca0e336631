// Starts GraphiQL on `GET /graphql`. Part of egov-tracker (not vendored): the page loads React,
// ReactDOM and GraphiQL from this service's own /assets/ before this file, and passes its
// settings in <script type="application/json" id="graphiql-config">, so that the page runs no
// inline script and loads nothing from another host.
(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('graphiql-config').textContent);
  var headers = {};
  if (config.csrfHeader && config.csrfToken) {
    // A browser signed in by its session cookie proves the call comes from this page.
    headers[config.csrfHeader] = config.csrfToken;
  }
  var options = { url: config.url, headers: headers };
  if (config.subscriptionPath) {
    // Subscriptions over this service's own websocket (graphql-ws, bundled in graphiql.min.js);
    // the socket is only opened when a subscription runs.
    options.subscriptionUrl =
      (window.location.protocol === 'https:' ? 'wss:' : 'ws:') + '//' + window.location.host + config.subscriptionPath;
  }
  var fetcher = GraphiQL.createFetcher(options);
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, { fetcher: fetcher, defaultEditorToolsVisibility: true }));
})();
