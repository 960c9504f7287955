/* The interactive API docs: Swagger UI (served by Kizuna from the installed
 * swagger-ui-bundle-v2 package) drawing the OpenAPI description named by
 * data-openapi-url. An external script: the Content-Security-Policy allows no inline
 * script. No validator badge: it would ask a server on the internet. */
(function () {
  "use strict";
  var node = document.getElementById("swagger-ui");
  if (!node || typeof window.SwaggerUIBundle === "undefined") {
    return;
  }
  window.ui = window.SwaggerUIBundle({
    url: node.getAttribute("data-openapi-url"),
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    validatorUrl: null,
    presets: [window.SwaggerUIBundle.presets.apis, window.SwaggerUIBundle.SwaggerUIStandalonePreset]
  });
})();
