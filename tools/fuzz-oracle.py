#!/usr/bin/env python3
"""Oracle for tools/fuzz.mjs: does CPython's pickle reach a dangerous global in this stream?

Reads one base64 pickle per line on stdin and answers one JSON line each:
{"dangerous": "os.system"} when the Unpickler asked find_class for a global on the list below,
{} otherwise. Nothing from the stream is ever imported or called: find_class records the name and
returns an inert stand-in. Each input runs under a CPU-time alarm and a memory cap.
"""
import base64, importlib, io, json, pickle, resource, signal, sys

DANGEROUS_MODULES = {"os", "posix", "nt", "subprocess", "runpy", "pty", "socket", "shutil", "sys", "importlib",
                     "webbrowser", "commands", "code", "ctypes", "platform", "pickle", "_pickle", "marshal", "types"}
DANGEROUS_BUILTINS = {"eval", "exec", "compile", "__import__", "open", "getattr", "setattr", "breakpoint", "input", "globals"}

resource.setrlimit(resource.RLIMIT_AS, (2 * 1024 ** 3, 2 * 1024 ** 3))


class Stub:
    def __init__(self, *a, **k):
        pass

    def __call__(self, *a, **k):
        return Stub()

    def __setstate__(self, state):
        pass


def exists(module, name):
    """Whether the real unpickler would find this global: the dangerous modules are the standard
    library's own, so importing them runs nothing from the stream; attributes are looked up, never
    called. A name that does not exist makes CPython raise before anything runs."""
    module = {"__builtin__": "builtins"}.get(module, module)
    try:
        obj = importlib.import_module(module)
        for part in name.split("."):
            obj = getattr(obj, part)
        return True
    except Exception:
        return False


class Recorder(pickle.Unpickler):
    def __init__(self, f):
        super().__init__(f)
        self.hit = None

    def find_class(self, module, name):
        top = module.split(".")[0]
        if self.hit is None and (top in DANGEROUS_MODULES or (top in ("builtins", "__builtin__") and name in DANGEROUS_BUILTINS)) and exists(module, name):
            self.hit = f"{module}.{name}"
        return Stub

    def persistent_load(self, pid):
        return Stub()


class Timeout(Exception):
    pass


def on_alarm(signum, frame):
    raise Timeout()


signal.signal(signal.SIGALRM, on_alarm)

for line in sys.stdin:
    data = base64.b64decode(line.strip())
    answer = {}
    r = Recorder(io.BytesIO(data))
    try:
        signal.alarm(2)
        try:
            while True:  # concatenated pickles, as a loop of pickle.load calls would read them
                r.load()
        finally:
            signal.alarm(0)
    except (Exception, Timeout, MemoryError, RecursionError):
        pass
    if r.hit:
        answer["dangerous"] = r.hit
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()
