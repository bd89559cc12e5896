// PostGraphile 4 beside the API (bench/nested.py starts it): the same database,
// connected as the application role, the organization and user set per request
// in pgSettings (transaction-local set_config, as the API does), so RLS applies.
// Usage: node bench/postgraphile.js <postgres url> <port> <organization uuid> <user uuid>
const http = require("http");
const { Pool } = require("pg");
const { postgraphile } = require("postgraphile");
const ConnectionFilterPlugin = require("postgraphile-plugin-connection-filter");

const [url, port, org, user] = process.argv.slice(2);
const pool = new Pool({ connectionString: url, max: 10 });
const handler = postgraphile(pool, "public", {
  pgSettings: async () => ({ "app.org_id": org, "app.user_id": user }),
  dynamicJson: true,
  disableDefaultMutations: true,
  disableQueryLog: true,
  appendPlugins: [ConnectionFilterPlugin],
});
http.createServer(handler).listen(Number(port), "127.0.0.1", () => console.log(`listening ${port}`));
