"""Runs a command on a pseudo-terminal, answering its prompts as a person would.

Usage: answerPrompts.py '<json: {"argv": [...], "answers": [[prompt_fragment, text], ...]}>'
Prints one JSON document: {"code": exit status, "transcript": everything the terminal showed}.
The transcript is what a person would have seen on the screen, echo included,
so a test can check that a secret typed at a prompt was not shown.
"""
import json
import os
import pty
import select
import sys
import time

spec = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.execvp(spec["argv"][0], spec["argv"])

transcript = b""
searched_from = 0
answers = list(spec["answers"])
deadline = time.time() + 30
while time.time() < deadline:
    ready, _, _ = select.select([fd], [], [], 0.1)
    if ready:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        transcript += chunk
    if answers:
        at = transcript.find(answers[0][0].encode(), searched_from)
        if at >= 0:
            fragment, text = answers.pop(0)
            searched_from = at + len(fragment.encode())
            os.write(fd, text.encode() + b"\r")
_, status = os.waitpid(pid, 0)
print(json.dumps({"code": os.waitstatus_to_exitcode(status), "transcript": transcript.decode("utf8", "replace"), "unanswered": [a[0] for a in answers]}))
