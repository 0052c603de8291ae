// The target is its header's inline functions; SwiftPM wants one source file per C target.
#include "CAllocator.h"
