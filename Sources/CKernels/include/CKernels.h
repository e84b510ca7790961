#ifndef CKERNELS_H
#define CKERNELS_H
#include <stddef.h>
#include <stdint.h>
#include "crc32c.h"
#endif
#include "ckernels_nn.h"
#include "ck_threadpool.h"
