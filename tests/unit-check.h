/* unit-check.h - the check macro of the plain-C unit tests
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * CHECK(condition, printf-format, ...): counts the check; when the condition
 * is false, counts a failure and prints where and the message.  Each test
 * program prints "N checks, M failed" at the end and exits 1 on a failure.
 */
#ifndef SBD_UNIT_CHECK_H
#define SBD_UNIT_CHECK_H

#include <stdio.h>

static int failures, checks;

#define CHECK(cond, ...)                                                  \
    do {                                                                  \
        checks++;                                                         \
        if (!(cond)) {                                                    \
            failures++;                                                   \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);          \
            fprintf(stderr, __VA_ARGS__);                                 \
            fputc('\n', stderr);                                          \
        }                                                                 \
    } while (0)

#endif
