// The system's zlib, for MOBL's reader of gzip-compressed IDX files (Sources/MOBL/Data).
#include <zlib.h>
