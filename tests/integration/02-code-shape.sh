#!/bin/bash
# The shape of the code, as the project holds it: no function over 100 lines in
# agent/, image/, provision/ or agent/cli/ (tests/lib/funclen.py lists them), and no
# copy of 10 lines or more within agent/ and image/ (duplicates), and no Python
# program written inside a test script (tests/lib/inline_python.py lists them:
# oracles live in tests/lib/*.py). The oracle of each lister itself: a generated
# file with functions of known lengths, and one with inline programs and
# look-alikes.
. "${MT_TOP:?run it through tests/run.sh, or set MT_TOP to the source tree}/tests/lib.sh" || exit 1
t_require python3 duplicates

# the lister finds what is there, and only that
{
    printf 'static int short_one(void)\n{\n'; for i in $(seq 1 10); do printf '    x();\n'; done; printf '}\n\n'
    printf 'int\nlong_one(int a,\n         int b)\n{\n'; for i in $(seq 1 120); do printf '    y();\n'; done; printf '}\n'
    printf 'static const struct t T[] = {\n    {1},\n};\n'
} >"$T_TMP/shape.c"
python3 "$MT_TOP/tests/lib/funclen.py" 100 "$T_TMP/shape.c" >"$T_OUT"
assert_eq "funclen: finds the 125-line function, with its first line, not the short one nor the table" \
    "$(cat "$T_OUT")" "$T_TMP/shape.c:15 long_one 125"

cd "$MT_TOP"
python3 tests/lib/funclen.py 100 agent/*.c image/*.c provision/*/*.c agent/cli/*.c >"$T_OUT"
if [ -s "$T_OUT" ]; then not_ok "no function over 100 lines"; sed 's/^/    # /' "$T_OUT"
else ok "no function over 100 lines in agent/, image/, provision/, agent/cli/"; fi

for d in agent image; do
    duplicates --repo "$d" --min-lines 10 --most 50 >"$T_OUT" 2>&1
    if grep -q '^no duplicates' "$T_OUT"; then ok "duplicates: no copy of 10 lines or more within $d/"
    else not_ok "duplicates: copies of 10 lines or more within $d/"; sed 's/^/    # /' "$T_OUT"; fi
done
# the inline-Python lister finds the forms a program takes inside bash, and only those
# (the sample is not a script, so the scan below does not read it)
python3 "$MT_TOP/tests/lib/inline_python.py" "$MT_TOP/tests/fixtures/shape/inline-python.txt" >"$T_OUT"
assert_eq "inline_python: finds the 6 inline programs (lines 1-6), not the 5 look-alikes (tests/fixtures/shape)" \
    "$(cut -d: -f2 "$T_OUT" | paste -sd' ')" "1 2 3 4 5 6"
git -C "$MT_TOP" ls-files 'tests/*.sh' 'tests/*.lib' | sed "s#^#$MT_TOP/#" |
    xargs python3 "$MT_TOP/tests/lib/inline_python.py" >"$T_OUT"
if [ -s "$T_OUT" ]; then not_ok "no Python program inside a test script (move it to tests/lib/*.py)"; sed 's/^/    # /' "$T_OUT"
else ok "no Python program inside a test script: the oracles are in tests/lib/*.py"; fi

# the project documents itself: nothing refers to the planning documents outside it
git -C "$MT_TOP" grep -nIE '\.\./shared|(DESIGN|DOMAIN|STYLE)\.md' -- . ':!tests/integration/02-code-shape.sh' >"$T_OUT" 2>&1
if [ -s "$T_OUT" ]; then not_ok "nothing refers to ../shared or its documents"; sed 's/^/    # /' "$T_OUT"
else ok "nothing refers to ../shared or its documents"; fi
t_done
