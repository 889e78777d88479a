"""What an index directory holds: file names and the format version.

Readers and writers both take names from here, so opening an index never imports
the build pipeline (and with it the corpus stage's cleaning libraries).
"""

from __future__ import annotations

FORMAT_VERSION = 2  # bumped when a file's meaning changes; checked on load
MANIFEST_FILE = "manifest.json"
DENSE_FILE = "dense.faiss"
STORE_FILE = "store.sqlite3"
LEXICAL_DIR = "bm25"
REPORT_FILE = "corpus_report.json"
