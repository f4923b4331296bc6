// Starts Swagger UI on /docs with our own OpenAPI document (no inline script: the CSP forbids it).
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    persistAuthorization: false,
    tryItOutEnabled: true,
  });
});
