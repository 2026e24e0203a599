#!/usr/bin/env bash
# Prints deb-src entries (deb822) mirroring the machine's own Debian `deb` entries: the same URIs,
# suites, components and Signed-By, so `apt-get source` uses whatever archive or mirror this
# machine is configured with. Only entries whose suites belong to this release (CODENAME,
# CODENAME-security, CODENAME-updates, ...) are mirrored: a third-party repository (nodesource,
# a cloud SDK) usually serves no sources, and asking for them would fail `apt-get update`.
# Disabled deb822 stanzas (`Enabled: no`) are skipped. Prints nothing when no entry qualifies.
#
# usage: derive-deb-src.sh [APT_DIR [CODENAME]]   (defaults: /etc/apt, VERSION_CODENAME of
#        /etc/os-release)
set -euo pipefail
apt_dir=${1:-/etc/apt}
codename=${2:-}
if [ -z "$codename" ]; then
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
fi
[ -n "$codename" ] || { echo "derive-deb-src: no release codename" >&2; exit 2; }

one_line_files=()
[ -f "$apt_dir/sources.list" ] && one_line_files+=("$apt_dir/sources.list")
for f in "$apt_dir"/sources.list.d/*.list; do [ -f "$f" ] && one_line_files+=("$f"); done
deb822_files=()
for f in "$apt_dir"/sources.list.d/*.sources; do [ -f "$f" ] && deb822_files+=("$f"); done

# Both formats become records "URI<TAB>SUITES<TAB>COMPONENTS<TAB>SIGNED_BY", then one stanza each.
{
  if [ ${#one_line_files[@]} -gt 0 ]; then
    # deb [opt=value ...] URI SUITE COMPONENT...
    awk '
      { sub(/#.*/, "") }
      $1 != "deb" { next }
      {
        i = 2; signed = ""
        if ($i ~ /^\[/) {
          opts = ""
          while (i <= NF) { opts = opts " " $i; if ($i ~ /\]$/) { i++; break } i++ }
          gsub(/[\[\]]/, "", opts)
          n = split(opts, o, " ")
          for (k = 1; k <= n; k++) if (o[k] ~ /^signed-by=/) { signed = substr(o[k], 11) }
        }
        uri = $i; suite = $(i + 1); comps = ""
        for (k = i + 2; k <= NF; k++) comps = comps (comps == "" ? "" : " ") $k
        if (uri != "" && suite != "") printf "%s\t%s\t%s\t%s\n", uri, suite, comps, signed
      }' "${one_line_files[@]}"
  fi
  if [ ${#deb822_files[@]} -gt 0 ]; then
    # Stanzas separated by blank lines; fields "Name: value", comments start with '#'.
    awk '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && tolower(enabled) != "no" && uris != "" && suites != "") {
          n = split(uris, u, " ")
          for (k = 1; k <= n; k++) printf "%s\t%s\t%s\t%s\n", u[k], suites, comps, signed
        }
        types = uris = suites = comps = signed = ""; enabled = "yes"
      }
      BEGIN { enabled = "yes" }
      FNR == 1 { flush() }
      /^[[:space:]]*#/ { next }
      /^[[:space:]]*$/ { flush(); next }
      # A continuation line (an inline Signed-By key block): kept, its line break as \001.
      /^[[:space:]]/ { if (last == "signed-by") signed = signed "\001" $0; next }
      {
        line = $0; name = line; sub(/:.*/, "", name); value = line; sub(/^[^:]*:[[:space:]]*/, "", value)
        name = tolower(name); last = name
        if (name == "types") types = value
        else if (name == "uris") uris = value
        else if (name == "suites") suites = value
        else if (name == "components") comps = value
        else if (name == "signed-by") signed = value
        else if (name == "enabled") enabled = value
      }
      END { flush() }' "${deb822_files[@]}"
  fi
} | awk -F '\t' -v codename="$codename" '
  # Keep only suites of this release; one stanza per (URI, Signed-By) with its suites.
  {
    n = split($2, s, " "); kept = ""
    for (k = 1; k <= n; k++) {
      if (s[k] == codename || index(s[k], codename "-") == 1 || index(s[k], codename "/") == 1) {
        if (index(" " kept " ", " " s[k] " ") == 0) kept = kept (kept == "" ? "" : " ") s[k]
      }
    }
    if (kept == "") next
    key = $1 "\t" $4 "\t" $3
    if (!(key in suites)) { order[++count] = key; suites[key] = kept }
    else {
      m = split(kept, t, " ")
      for (k = 1; k <= m; k++) if (index(" " suites[key] " ", " " t[k] " ") == 0) suites[key] = suites[key] " " t[k]
    }
  }
  END {
    for (i = 1; i <= count; i++) {
      split(order[i], f, "\t")
      if (i > 1) print ""
      print "Types: deb-src"
      print "URIs: " f[1]
      print "Suites: " suites[order[i]]
      print "Components: " (f[3] == "" ? "main" : f[3])
      if (f[2] != "") { signed = f[2]; gsub(/\001/, "\n", signed); print "Signed-By:" (signed ~ /^\n/ ? "" : " ") signed }
    }
  }'
