#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The plugin loads cleanly: `tshark -G plugins` lists it with the project
# version, `tshark -G fields` prints no error, the fields the README and the
# issues name exist, and none of our filter names (fields and expert infos,
# which -G fields lists too) is registered twice.
source "$(dirname "$0")/lib.sh"

version=$(sed -n 's/^project(cucm-sbd VERSION \([0-9.]*\).*/\1/p' "$SRC/CMakeLists.txt")
plugins=$(ts -G plugins 2>&1)
line=$(echo "$plugins" | grep '^cucm-sbd.so' | tr -s ' \t' ' ')
assert_eq "cucm-sbd.so $version dissector ${SBD_STAGE:-$BUILD/stage/plugins}/" "${line%%[0-9].[0-9]/epan/cucm-sbd.so}" "tshark -G plugins"

ts -G fields > "$WORK/fields" 2> "$WORK/errors" || fail "tshark -G fields exit status"
assert_eq "" "$(cat "$WORK/errors")" "tshark -G fields stderr"
ours=$(awk -F'\t' '($1=="F" || $1=="P") && ($3 ~ /^(ciscotl|tvs)(\.|$)/) {print $3}' "$WORK/fields")
assert_eq "" "$(echo "$ours" | sort | uniq -d)" "duplicate filter names"
for f in ciscotl ciscotl.version ciscotl.header_length ciscotl.signer.name ciscotl.signer.serial \
         ciscotl.signer.issuer ciscotl.hash_algorithm ciscotl.signature ciscotl.signature.status \
         ciscotl.filename ciscotl.timestamp ciscotl.file_type ciscotl.file.size ciscotl.file.md5 \
         ciscotl.file.sha1 ciscotl.file.sha256 ciscotl.record ciscotl.record.role \
         ciscotl.record.subject ciscotl.record.issuer ciscotl.record.serial ciscotl.record.dns_name \
         ciscotl.record.ip ciscotl.record.cert_sha1 ciscotl.record.cert_sha256; do
    if grep -q "	$f	" "$WORK/fields"; then pass; else fail "field $f missing"; fi
done
# The outcome and keyless-evidence fields of the trust checks (issue #16).
for f in sbd.phone.outcome sbd.phone.root_cause sbd.phone.outcome.certainty sbd.phone.outcome.summary \
         sbd.phone.consequence sbd.finding.certainty sbd.tls.alert sbd.tls.alert.sender \
         sbd.tvs_answer_inferred sbd.tvs_answer_plaintext.min sbd.tvs_answer_plaintext.max \
         sbd.itl_tvs_serial sbd.tvs_record_cert_sha1 sbd.list_accepted; do
    if grep -q "	$f	" "$WORK/fields"; then pass; else fail "field $f missing"; fi
done
finish
