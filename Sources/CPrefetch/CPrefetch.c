// The target is its header's inline function; SwiftPM wants one source file per C target.
#include "CPrefetch.h"
