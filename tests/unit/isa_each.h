/* tests/unit/isa_each.h — run a kernel test on every kernel path this CPU can run (portable, AVX2+FMA,
 * AVX-512), each selected with kern_set_isa, saying which paths it cannot test here; the best path is
 * active again afterwards. */
#ifndef ISA_EACH_H
#define ISA_EACH_H

#include <stdio.h>
#include "check.h"
#include "kern.h"

static inline void isa_each(void (*run)(void))
{
    kern_isa best = kern_isa_best();
    for (int isa = KERN_ISA_PORTABLE; isa <= KERN_ISA_AVX512; isa++) {
        if (isa > (int)best) {
            printf("path %s: not supported by this CPU, not tested here\n", kern_isa_name((kern_isa)isa));
            continue;
        }
        CHECK(kern_set_isa((kern_isa)isa) == 0);
        printf("path %s:\n", kern_isa_name((kern_isa)isa));
        run();
    }
    kern_set_isa(best);
}

#endif
