'use strict';
/**
 * A V8 code cache for the modules a CLI run loads (the compiled kit in dist/
 * and its packages): each module's compiled code is saved when the process
 * exits, and the next run that loads the same file with the same content
 * starts from it instead of parsing and compiling it again.
 *
 * Why not Node's own: `module.enableCompileCache()` (Node 22 and later) and
 * the v8-compile-cache package save a module's code right after compiling
 * it, before it runs. V8 compiles functions lazily, on first call, so that
 * code holds little more than each module's top level. Saved at exit, after
 * the run called them, it holds the functions the run used. Measured on 2
 * cores, an Azure synth of 100 routes: 0.90 s without a cache, 0.89 s with
 * one saved at compile time, 0.82 s with this one (docs/performance.md,
 * "The CLI's code cache"). bin/iotkit.js uses this one on Node 20,
 * where the kit is tested, and Node's own on later versions.
 *
 * Where: only in the kit's own node_modules/.cache, never a shared
 * temporary folder. V8 checks only that cached code belongs to a source of
 * the same length, so whoever can write the cache chooses the code that
 * runs; under node_modules, that is whoever can change the kit already.
 * Entries are named by a hash of the file's path and content, so a changed
 * file (an edit, an upgraded package: npm gives every file the same mtime)
 * never meets the code of its earlier version. The folder is per Node
 * version, architecture and V8 flags (V8 refuses code made under other
 * flags), and is emptied when it passes MAX_ENTRIES; of the other folders,
 * the MAX_OTHER_FOLDERS last written stay.
 *
 * A cache that cannot be read or written is no cache: never the command's
 * failure. IOTKIT_CODE_CACHE=0 turns it off.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

const DYNAMIC_IMPORT = /\bimport\s*\(/;

/** About twenty times what one synth of all three clouds loads (960 modules: aws-cdk-lib, Pulumi, the kit). */
const MAX_ENTRIES = 20000;
/**
 * Folders (sets of V8 flags) kept beside the one written: the CLI uses two
 * (with and without --single-threaded-gc), but flags such as a --require
 * hook's path make a new one each time; the least recently written go.
 */
const MAX_OTHER_FOLDERS = 3;

/**
 * The folder for this process's entries under `cacheRoot`: V8 refuses code
 * made by another V8 version, architecture or set of flags, so each of those
 * has its own, and runs with different flags never overwrite each other's.
 */
function codeCacheDir(cacheRoot) {
  const flavour = [process.version, process.arch, ...process.execArgv].join('\0');
  return path.join(cacheRoot, `${process.version}-${process.arch}-${crypto.createHash('sha1').update(flavour).digest('hex').slice(0, 12)}`);
}

/** The names codeCacheDir gives. */
const FOLDER_NAME = /^v\d+\.\d+\.\d+-[a-z0-9]+-[0-9a-f]{12}$/;

/**
 * Compiles CommonJS modules for which `cacheable(filename)` holds through
 * the cache in `dir`, and saves the code of those it missed when the process
 * exits; the folder is emptied first when it would hold more than
 * maxEntries. Returns counts, or undefined with source maps on (debugging):
 * Node registers the maps of the modules its own loader compiles.
 */
function installCodeCache(dir, cacheable, maxEntries = MAX_ENTRIES) {
  if (process.sourceMapsEnabled) return undefined;
  const stats = { hits: 0, misses: 0, rejected: 0, saved: 0 };
  const toSave = [];
  const compile = Module.prototype._compile;
  Module.prototype._compile = function compileThroughCodeCache(content, filename, format) {
    // Anything else Node's loader compiles (an ES module through require, TypeScript) is its own.
    if ((format !== undefined && format !== 'commonjs') || !cacheable(filename)) return compile.apply(this, arguments);
    const key = crypto.createHash('sha1').update(filename).update('\0').update(content).digest('hex');
    const entry = path.join(dir, key);
    let cachedData;
    try {
      cachedData = fs.readFileSync(entry);
    } catch {
      cachedData = undefined;
    }
    // So is a module that may call import(): a script compiled here could only do so through vm's main-context loader,
    // experimental in Node 20 (a warning on stderr). The test is textual (a comment or a string saying "import(" also
    // counts), and only on a miss: an entry exists only for content that passed it.
    if (cachedData === undefined && DYNAMIC_IMPORT.test(content)) return compile.apply(this, arguments);
    // A #! line is only allowed at the very start of a script; the wrapper below comes before it. Same length, same positions.
    const source = content.startsWith('#!') ? `//${content.slice(2)}` : content;
    let script;
    try {
      script = new vm.Script(Module.wrap(source), { filename, cachedData });
    } catch {
      // Not a CommonJS script (Node 22 and later may then load it as an ES module), or a syntax error: Node's loader says which.
      return compile.apply(this, arguments);
    }
    if (cachedData === undefined) stats.misses++;
    else if (script.cachedDataRejected) stats.rejected++;
    else stats.hits++;
    if (cachedData === undefined || script.cachedDataRejected) toSave.push({ script, entry });
    const wrapper = script.runInThisContext({ displayErrors: true });
    return wrapper.call(this.exports, this.exports, requireFor(this), this, filename, path.dirname(filename));
  };
  process.once('exit', () => {
    if (toSave.length > 0) stats.saved = save(dir, toSave, maxEntries);
  });
  return stats;
}

/** The `require` a module receives, as Node's loader makes it. */
function requireFor(module) {
  const require = (id) => module.require(id);
  require.resolve = (request, options) => Module._resolveFilename(request, module, false, options);
  require.resolve.paths = (request) => Module._resolveLookupPaths(request, module);
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

/** Writes each entry whole (a temporary file renamed), as processes running at once may write the same one. Returns how many. */
function save(dir, toSave, maxEntries) {
  let saved = 0;
  try {
    fs.mkdirSync(dir, { recursive: true });
    if (fs.readdirSync(dir).length + toSave.length > maxEntries) {
      for (const name of fs.readdirSync(dir)) fs.rmSync(path.join(dir, name), { force: true });
    }
    for (const { script, entry } of toSave) {
      const partial = `${entry}.${process.pid}.tmp`;
      fs.writeFileSync(partial, script.createCachedData());
      fs.renameSync(partial, entry);
      saved++;
    }
    // Only folders codeCacheDir names: whatever else is beside `dir` is not the cache's to remove.
    const root = path.dirname(dir);
    const others = fs
      .readdirSync(root)
      .filter((name) => FOLDER_NAME.test(name))
      .map((name) => path.join(root, name))
      .filter((folder) => folder !== dir)
      .map((folder) => ({ folder, written: fs.statSync(folder).mtimeMs }))
      .sort((a, b) => b.written - a.written);
    for (const { folder } of others.slice(MAX_OTHER_FOLDERS)) fs.rmSync(folder, { recursive: true, force: true });
  } catch {
    // Read-only install, full disk: the next run compiles, as without a cache.
  }
  return saved;
}

module.exports = { codeCacheDir, installCodeCache, MAX_ENTRIES, MAX_OTHER_FOLDERS };
