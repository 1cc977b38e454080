#!/usr/bin/python3
"""Writes the sensor(1) man page from the command's own --help text, every verb and sub-verb included,
so the page says what the binary says:

    /usr/bin/python3 scripts/make-manpage.py dotnet src/Sensor.Cli/bin/Release/net10.0/sensor.dll > docs/sensor.1
"""
import re
import subprocess
import sys


def help_text(command, words):
    run = subprocess.run(command + words + ["--help"], capture_output=True, text=True, check=True)
    return run.stdout


def sections(text):
    """The help's sections ("Description:", "Usage:", "Options:", ...) as name -> lines."""
    found, name = {}, None
    for line in text.splitlines():
        if line and not line.startswith(" ") and line.endswith(":"):
            name = line[:-1]
            found[name] = []
        elif name and line.strip():
            found[name].append(line)
    return found


def entries(lines):
    """Two-column help entries ("  -x, --long <v>  text"), continuation lines joined to the text."""
    items = []
    for line in lines:
        match = re.match(r"^  (\S.*?)\s{2,}(\S.*)$", line)
        if match:
            items.append([match.group(1), match.group(2)])
        elif items:
            items[-1][1] += " " + line.strip()
    return items


def esc(text):
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return re.sub(r"^([.'])", r"\\&\1", text)


def verb(command, words, out):
    parts = sections(help_text(command, words))
    out.append(f".SS {esc(' '.join(words))}")
    out.append(esc(" ".join(l.strip() for l in parts.get("Description", []))))
    for usage in parts.get("Usage", []):
        out.append(".PP\n.B " + esc(usage.strip()))
    for title in ("Arguments", "Options"):
        for name, text in entries(parts.get(title, [])):
            if name.startswith("-?"):
                continue
            out.append(f".TP\n.B {esc(name)}\n{esc(text)}")
    for name, _ in entries(parts.get("Commands", [])):
        verb(command, words + [name.split()[0]], out)


def main():
    command = sys.argv[1:] or ["sensor"]
    top = sections(help_text(command, []))
    version = subprocess.run(command + ["--version"], capture_output=True, text=True, check=True).stdout.strip().split("+")[0]
    out = [
        f'.TH SENSOR 1 "" "sensor {version}" "User Commands"',
        ".SH NAME",
        "sensor \\- detect STARTTLS stripping and cleartext mail credentials",
        ".SH SYNOPSIS",
        ".B sensor",
        ".I command",
        "[\\fIoptions\\fR]",
        ".SH DESCRIPTION",
        esc(" ".join(l.strip() for l in top.get("Description", []))),
        ".SH COMMANDS",
    ]
    for name, _ in entries(top.get("Commands", [])):
        verb(command, [name.split()[0]], out)
    out += [
        ".SH EXIT STATUS",
        "0 success; 1 findings at or above \\fB\\-\\-fail\\-on\\fR; 2 bad usage or unreadable input, with one line on standard error.",
        ".SH FILES",
        ".TP\n.I /etc/sensor/sensor.json\nconfiguration of \\fBsensor live\\fR (annotated; JSON with comments)",
        ".TP\n.I /var/log/sensor/events.jsonl\nsession and finding records of the service, one JSON object a line",
        ".TP\n.I /var/lib/sensor/sensor.db\nthe store of sessions, findings, probe results and server history",
        ".SH SEE ALSO",
        "\\fBsystemctl\\fR(1), \\fBlogrotate\\fR(8), \\fBpcap\\fR(3PCAP); /usr/share/doc/sensor/operations.md",
    ]
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
