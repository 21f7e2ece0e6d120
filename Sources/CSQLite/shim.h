#ifndef STOCKTAKE_CSQLITE_SHIM_H
#define STOCKTAKE_CSQLITE_SHIM_H

#include <sqlite3.h>

// SQLITE_TRANSIENT and SQLITE_STATIC are casts of integers to function pointers,
// which Swift cannot import as constants. These wrappers bind with SQLITE_TRANSIENT
// (SQLite copies the bytes before returning), so Swift buffers may be freed at once.
static inline int stocktake_bind_text(sqlite3_stmt *stmt, int index, const char *text, int byteCount) {
    return sqlite3_bind_text(stmt, index, text, byteCount, SQLITE_TRANSIENT);
}

// "" must stay an empty string, not NULL: bind a static zero-length text explicitly.
static inline int stocktake_bind_empty_text(sqlite3_stmt *stmt, int index) {
    return sqlite3_bind_text(stmt, index, "", 0, SQLITE_STATIC);
}

static inline int stocktake_bind_blob(sqlite3_stmt *stmt, int index, const void *bytes, int byteCount) {
    return sqlite3_bind_blob(stmt, index, bytes, byteCount, SQLITE_TRANSIENT);
}

// sqlite3_config and sqlite3_db_config are variadic, which Swift cannot call.
// Process-wide settings, before SQLite initializes itself. Memory statistics off: with them on,
// every sqlite3_malloc and sqlite3_free takes a global mutex, a measurable cost in bulk imports,
// and nothing here reads sqlite3_memory_used(). Returns SQLITE_MISUSE when SQLite was already
// initialized (another library in the process got there first); that is harmless.
static inline int stocktake_configure_library(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

// Memory statistics on, for sqlite3_hard_heap_limit64 (which does nothing without them); only for
// processes that cap SQLite's memory, before SQLite initializes.
static inline int stocktake_enable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 1);
}

static inline int stocktake_enable_defensive(sqlite3 *db) {
    return sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)0);
}

static inline int stocktake_disable_extension_loading(sqlite3 *db) {
    return sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, (int *)0);
}

// fts3_tokenizer('simple') returns the address of a C struct, and its two-argument form installs a
// tokenizer from an address: memory disclosure and code execution from SQL. Nothing here uses it
// (https://sqlite.org/fts3.html#custom_application_defined_tokenizers).
static inline int stocktake_disable_fts3_tokenizer(sqlite3 *db) {
    return sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0, (int *)0);
}

#endif
