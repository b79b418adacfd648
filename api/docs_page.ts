/**
 * GET /docs: Swagger UI over /openapi.json. Its script and stylesheet come
 * from jsDelivr at one pinned version, each with Subresource Integrity, so
 * the browser refuses them if the CDN (or anyone between) serves other
 * bytes. To move to another version, take the hashes of that version's
 * files from the npm package:
 *
 *   npm pack swagger-ui-dist@<version> && tar -xzf swagger-ui-dist-*.tgz
 *   openssl dgst -sha384 -binary package/swagger-ui-bundle.js | openssl base64 -A
 * @module
 */
import { swaggerUI } from "@hono/swagger-ui";

/** The swagger-ui-dist release /docs loads. */
export const SWAGGER_UI_VERSION = "5.35.0";

/** sha384 of each file of that release, as published on npm. */
export const SWAGGER_UI_INTEGRITY = {
  "swagger-ui.css":
    "sha384-WlYgdmXYOOBWL5apwjDEZwN+U3HmXSSu5R6V5aGxEcf7z+KuRNwBhoxKVN1i3D5I",
  "swagger-ui-bundle.js":
    "sha384-gjRm0bEPMeTmMh5jT2cHccIwCUZSTd8YC+j0d0sXw0MdGEfScduGpSyF3ZSSLkX9",
} as const;

const BASE =
  `https://cdn.jsdelivr.net/npm/swagger-ui-dist@${SWAGGER_UI_VERSION}`;

/** The /docs handler for the document at `specUrl`. */
export function docsPage(specUrl: string) {
  return swaggerUI({
    url: specUrl,
    title: "MovieLens Recommender API",
    manuallySwaggerUIHtml: () => `
      <div id="swagger-ui"></div>
      <link rel="stylesheet" href="${BASE}/swagger-ui.css"
        integrity="${
      SWAGGER_UI_INTEGRITY["swagger-ui.css"]
    }" crossorigin="anonymous" />
      <script src="${BASE}/swagger-ui-bundle.js"
        integrity="${
      SWAGGER_UI_INTEGRITY["swagger-ui-bundle.js"]
    }" crossorigin="anonymous"></script>
      <script>
        window.onload = () => {
          window.ui = SwaggerUIBundle({ dom_id: "#swagger-ui", url: ${
      JSON.stringify(specUrl)
    } });
        };
      </script>`,
  });
}
