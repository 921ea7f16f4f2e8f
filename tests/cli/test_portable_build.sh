#!/usr/bin/env bash
# The build is portable: without LOGREG_NATIVE no compile line has -march=native; only the kernel
# sets' translation units get an instruction-set level, each its own; and each of those object
# files defines one external symbol, its set's entry point. (Any other external definition there,
# say an inline function of a shared header compiled for AVX-512, could be the copy the linker
# keeps for the whole program, and would die with SIGILL on an older processor.)
source "$(dirname "$0")/lib.sh"
BUILD=$(cd "$(dirname "$LOGREG_DIST")" && pwd)
[ -f "$BUILD/compile_commands.json" ] || fail "no $BUILD/compile_commands.json"
native=$(sed -n 's/^LOGREG_NATIVE:BOOL=//p' "$BUILD/CMakeCache.txt")
"$PY" - "$BUILD/compile_commands.json" "$native" > objects.txt <<'PY'
import json, os, re, sys
entries = json.load(open(sys.argv[1]))
native = sys.argv[2].upper() in ("ON", "1", "TRUE", "YES")
levels = {"set_x86_v2.cpp": "x86-64-v2", "set_x86_v3.cpp": "x86-64-v3", "set_x86_v4.cpp": "x86-64-v4"}
seen = set()
for e in entries:
    cmd, name = e["command"], os.path.basename(e["file"])
    marches = re.findall(r"-march=(\S+)", cmd)
    if not native:
        assert "native" not in marches, f"-march=native in {e['file']}"
    if name in levels:
        assert marches and marches[-1] == levels[name], f"{name}: {marches}"
        seen.add(name)
        out = e.get("output") or re.search(r"-o (\S+)", cmd).group(1)
        print(os.path.join(e["directory"], out))
    elif not native:
        assert not marches, f"{e['file']} has {marches}"
print(f"{len(entries)} compile lines checked (LOGREG_NATIVE={sys.argv[2]})", file=sys.stderr)
if os.uname().machine in ("x86_64", "AMD64"):
    assert seen == set(levels), seen
PY
echo "ok: compile lines ($(wc -l < objects.txt) kernel-set units with their own level)"
for obj in $(cat objects.txt) "$(dirname "$(head -1 objects.txt)")/set_generic.cpp.o"; do
  [ -f "$obj" ] || fail "missing object $obj"
  # (DW.ref.__gxx_personality_v0: a pointer to the C++ unwinder's routine that some builds, the
  # sanitizer one among them, emit in every unit; data, not code.)
  defined=$(nm -C --defined-only --extern-only "$obj" | awk '{ $1 = ""; $2 = ""; print }' |
    sed 's/^ *//' | grep -v '^DW\.ref\.__gxx_personality_v0$')
  [ "$(wc -l <<< "$defined")" -eq 1 ] && grep -q "^logreg::kernel_sets::" <<< "$defined" ||
    fail "$obj defines more than its entry point: $defined"
  echo "ok: $(basename "$obj") exports only $defined"
done
echo "PASS"
