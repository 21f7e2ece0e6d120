#ifndef STOCKTAKE_CMINIZIP_SHIM_H
#define STOCKTAKE_CMINIZIP_SHIM_H

// minizip (Debian: libminizip-dev) over zlib (zlib1g-dev): the unzip API reads a workbook's zip
// directory and inflates its entries; the zip API writes one, deflating its entries. Only the
// Workbook target imports it. The release binary links libminizip.a and libz.a (see Package.swift).
#include <unzip.h>
#include <zip.h>

#endif
