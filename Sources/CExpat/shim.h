#ifndef STOCKTAKE_CEXPAT_SHIM_H
#define STOCKTAKE_CEXPAT_SHIM_H

// Expat, the streaming XML parser (Debian: libexpat1-dev). Only the Workbook target imports it.
// The release binary links libexpat.a (see Package.swift).
#include <expat.h>

#endif
