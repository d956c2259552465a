// Every test file runs with the Mongoose settings production uses (strictQuery,
// sanitizeFilter), which server/db/connect.ts applies when it is loaded.
import '../../server/db/connect';
