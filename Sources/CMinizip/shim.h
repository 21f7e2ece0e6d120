#ifndef STOCKTAKE_CMINIZIP_SHIM_H
#define STOCKTAKE_CMINIZIP_SHIM_H

// minizip's unzip API (Debian: libminizip-dev) over zlib (zlib1g-dev): the zip directory and the
// inflating of its entries. Only the Workbook target imports it. The release binary links
// libminizip.a and libz.a (see Package.swift).
#include <unzip.h>

#endif
