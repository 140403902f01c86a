#!/usr/bin/env python3
"""Man pages and completions from the CLI definitions (issue 17 item 2): the files the build generated
(build/share) list exactly the commands and options `--help` shows, with the same descriptions, in English and
Japanese; `man -l` renders every page (English ones without a single groff warning); the bash completion
completes commands, options and choice values; fish completes the same; the zsh completion loads through
compinit and names every option. Nothing is sent anywhere."""
import os
import re
import subprocess
import sys

anshin = os.path.abspath(sys.argv[1])
share = os.path.join(os.path.dirname(anshin), "share")
failures = []
env = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE")}
env.update({"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "MANWIDTH": "2000", "ANSHIN_CONFIG_SYSTEM": "/nonexistent",
            "XDG_CONFIG_HOME": "/nonexistent"})


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def sh(args, **kw):
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=60, **kw)


def norm(text):
    return re.sub(r"\s+", " ", text).strip()


def help_of(words, lang):
    """Options (flags -> description) and subcommands (name -> description) of `anshin WORDS --help`."""
    lang_env = dict(env, LANG="ja_JP.UTF-8", LC_ALL="") if lang == "ja" else env
    out = subprocess.run([anshin, *words, "--help"], env=lang_env, capture_output=True, text=True, timeout=60).stdout
    options, subs, section = {}, {}, None
    # CLI11 puts the description on the next line when the option column is too wide.
    lines, joined = out.splitlines(), []
    for line in lines:
        if joined and re.match(r"^ {20,}\S", line) and not re.search(r"\S\s{2,}\S", joined[-1].strip()):
            joined[-1] += "  " + line.strip()
        else:
            joined.append(line)
    for line in joined:
        if line and not line.startswith(" "):
            section = "subs" if line.rstrip(":") in ("Subcommands", "サブコマンド") else "other"
            continue
        m = re.match(r"^  (\S+)(?: \S.*?)?\s{2,}(\S.*)$", line)
        if not m:
            continue
        if section == "subs":
            subs[m.group(1)] = m.group(2)
        elif m.group(1).startswith("-"):
            for flag in m.group(1).split(","):
                options[flag] = m.group(2)
    return options, subs


def commands():
    todo, seen = [[]], []
    while todo:
        words = todo.pop(0)
        seen.append(words)
        todo += [words + [s] for s in help_of(words, "en")[1]]
    return seen


all_commands = commands()
check(len(all_commands) >= 14 and ["kb", "info"] in all_commands and ["scan"] in all_commands,
      f"the command tree from --help: {all_commands}")
check(["_generate"] not in all_commands, "the build's _generate command stays hidden")

for lang, folder in (("en", "man/man1"), ("ja", "man/ja/man1")):
    pages = sorted(os.listdir(os.path.join(share, folder)))
    expected = sorted("-".join(["anshin", *w]) + ".1" for w in all_commands)
    check(pages == expected, f"{lang}: one page per command: {pages} != {expected}")
    for words in all_commands:
        page = os.path.join(share, folder, "-".join(["anshin", *words]) + ".1")
        if not os.path.exists(page):
            continue
        r = sh(["man", "--warnings", "-l", page])
        check(r.returncode == 0 and len(r.stdout) > 200, f"man -l {page} renders: {r.stderr[:200]}")
        if lang == "en":
            check(r.stderr == "", f"man --warnings -l {page}: no warning: {r.stderr[:300]}")
        check("special character" not in r.stderr, f"{page}: every character renders: {r.stderr[:200]}")
        text = norm(r.stdout)
        options, subs = help_of(words, lang)
        for flag, desc in options.items():
            check(f" {flag}" in text and norm(desc) in text, f"{page}: {flag} with its --help text ({desc[:40]})")
        for sub, desc in subs.items():
            check(norm(desc) in text, f"{page}: command {sub} with its --help text")
        rendered_flags = set(re.findall(r"(?m)^ {7}((?:-[-\w]+)(?:, -[-\w]+)*)", r.stdout))
        flags = {f for group in rendered_flags for f in group.split(", ")}
        check(flags == set(options), f"{page}: the options of the page are those of --help: {flags ^ set(options)}")

bash_file = os.path.join(share, "completions", "anshin")


def bash_complete(*words):
    script = f'source {bash_file}; COMP_WORDS=(anshin {" ".join(words)}); COMP_CWORD={len(words)}; _anshin; ' \
             'printf "%s\\n" "${COMPREPLY[@]}"'
    r = sh(["bash", "--norc", "-c", script])
    check(r.returncode == 0 and r.stderr == "", f"bash completion of {words}: {r.stderr[:200]}")
    return set(filter(None, r.stdout.splitlines()))


for words in all_commands:
    options, subs = help_of(words, "en")
    got = bash_complete(*words, "-")
    check(got == {f for f in options}, f"bash: anshin {' '.join(words)} - completes --help's options: {got ^ set(options)}")
    if subs:
        got = bash_complete(*words, "")
        check(set(subs) <= got, f"bash: anshin {' '.join(words)} completes its commands: {set(subs) - got}")
check(bash_complete("sc") == {"scan"}, "bash: anshin sc -> scan")
check(bash_complete("report", "--format", "c") == {"csv", "cyclonedx"}, "bash: report --format c -> csv cyclonedx")
check(bash_complete("kb", "in") == {"info"}, "bash: anshin kb in -> info")

fish_file = os.path.join(share, "completions", "anshin.fish")


def fish_complete(line):
    r = sh(["fish", "--no-config", "-c", f"source {fish_file}; complete -C '{line}'"])
    check(r.returncode == 0, f"fish completion of {line!r}: {r.stderr[:200]}")
    return {entry.split("\t")[0] for entry in r.stdout.splitlines()}


for words in all_commands:
    options, subs = help_of(words, "en")
    prefix = " ".join(["anshin", *words])
    got = fish_complete(prefix + " --")
    longs = {f for f in options if f.startswith("--")}
    check(got == longs, f"fish: {prefix} -- completes --help's long options: {got ^ longs}")
    if subs:
        got = fish_complete(prefix + " ")
        check(set(subs) <= got, f"fish: {prefix} completes its commands: {set(subs) - got}")
check(fish_complete("anshin report --format cy") == {"cyclonedx"}, "fish: report --format cy -> cyclonedx")

zsh_dir = os.path.join(share, "completions")
r = sh(["zsh", "-n", os.path.join(zsh_dir, "_anshin")])
check(r.returncode == 0, f"zsh -n _anshin: {r.stderr}")
r = sh(["zsh", "-f", "-c", f"fpath=({zsh_dir} $fpath); autoload -Uz compinit; compinit -u -D; print -r -- $_comps[anshin]; "
        "autoload +X _anshin && print loaded"])
check(r.stdout.split() == ["_anshin", "loaded"] and r.stderr == "", f"zsh: compinit binds _anshin to anshin: {r.stdout} {r.stderr}")
with open(os.path.join(zsh_dir, "_anshin"), encoding="utf-8") as f:
    zsh_text = f.read()
for words in all_commands:
    fn = "_" + "_".join(["anshin", *words])
    body = re.search(r"(?ms)^" + re.escape(fn) + r"\(\) \{\n(.*?)^\}", zsh_text)
    check(body is not None, f"zsh: a function {fn}")
    if body:
        options = help_of(words, "en")[0]
        missing = [f for f in options if f"'{f}" not in body.group(1) and f"'*{f}" not in body.group(1)]
        check(not missing, f"zsh: {fn} names every option of --help: missing {missing}")

# zsh completes for real: an interactive zsh in a pseudo-terminal (zpty) with compinit, TAB typed after each line;
# compadd is wrapped to record what the completion offers.
import tempfile  # noqa: E402

ztmp = tempfile.mkdtemp(prefix="anshin-zsh-")
hits = os.path.join(ztmp, "hits")
with open(os.path.join(ztmp, "init.zsh"), "w") as f:
    f.write(f"""PROMPT='%% '
fpath=({zsh_dir} $fpath)
autoload -Uz compinit && compinit -u -D
anshin() {{ :; }}
compadd() {{
  if [[ ${{@[1,(i)(-|--)]}} == *-(O|A|D)\\ * ]]; then builtin compadd "$@"; return $?; fi
  typeset -a __hits
  builtin compadd -A __hits "$@"
  local ret=$?
  (( $#__hits )) && print -r -- "${{(j: :)__hits}}" >> {hits}
  return $ret
}}
print READY
""")
with open(os.path.join(ztmp, "drive.zsh"), "w") as f:
    f.write(f"""zmodload zsh/zpty
zpty z 'zsh -f -i'
zpty -w z 'source {ztmp}/init.zsh'
zpty -r -m z out '*READY*'
for line in "$@"; do
  : > {hits}.mark
  zpty -w -n z "$line"$'\\t'
  sleep 1
  print -r -- "== $line" >> {hits}
  zpty -w -n z $'\\x15'
  sleep 0.3
done
zpty -d z
""")
cases = {"anshin sc": {"scan"}, "anshin scan --ra": {"--rate"}, "anshin report --format cy": {"cyclonedx"},
         "anshin kb i": {"info"}, "anshin kb info --j": {"--json"}}
r = subprocess.run(["timeout", "60", "zsh", "-f", os.path.join(ztmp, "drive.zsh"), *cases], env=env,
                   capture_output=True, text=True, timeout=90)
offered, current = {}, None
if os.path.exists(hits):
    with open(hits) as f:
        pending = []
        for line in f.read().splitlines():
            if line.startswith("== "):
                offered[line[3:]] = set(" ".join(pending).split())
                pending = []
            else:
                pending.append(line)
for line, expected in cases.items():
    check(offered.get(line) == expected, f"zsh: {line}<TAB> offers {expected}: {offered.get(line)}")

print(f"{len(all_commands)} commands checked")
print(f"{0 if failures else 1} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
