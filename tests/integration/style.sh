# clang-format, cppcheck and clang-tidy must be clean on our own C sources
# (generated files excluded from formatting).
set -euo pipefail
cd "$IPSECGW_TOP"
mapfile -t src < <(git ls-files '*.c' '*.h' 2>/dev/null || find agent common tests -name '*.[ch]')
fmt=()
for f in "${src[@]}"; do case "$f" in *_gen.[ch]) ;; *) fmt+=("$f") ;; esac; done
pass=0
if clang-format --dry-run -Werror "${fmt[@]}" 2>&1 | head -20 | grep .; then
	echo "FAIL - clang-format (run: clang-format -i on the files above)"; echo "$pass passed, 1 failed"; exit 1
fi
echo "ok - clang-format"; pass=$((pass + 1))
cfiles=()
for f in "${src[@]}"; do case "$f" in *.c) cfiles+=("$f") ;; esac; done
if ! cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
	--std=c11 --inline-suppr -I common -I agent "${cfiles[@]}"; then
	echo "FAIL - cppcheck"; echo "$pass passed, 1 failed"; exit 1
fi
echo "ok - cppcheck"; pass=$((pass + 1))
build=${IPSECGW_BUILD:-$IPSECGW_TOP/build-test}
if [ -f "$build/compile_commands.json" ]; then
	# Sanitizer flags confuse nothing in clang-tidy, but gcc-only ones would.
	if ! clang-tidy -p "$build" --quiet "${cfiles[@]}" 2>&1 | grep -v "warnings generated" | grep . ; then
		echo "ok - clang-tidy"; pass=$((pass + 1))
	else
		echo "FAIL - clang-tidy"; echo "$pass passed, 1 failed"; exit 1
	fi
fi
echo "$pass passed, 0 failed"
