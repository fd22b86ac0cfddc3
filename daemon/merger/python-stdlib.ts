/**
 * Top-level modules of the Python standard library (3.8 to 3.13, including modules since removed,
 * which older generated code still imports), so that their imports add nothing to requirements.txt.
 */
export const PYTHON_STDLIB: ReadonlySet<string> = new Set(
  `
__future__ __main__ _thread abc antigravity aifc argparse array ast asynchat asyncio asyncore atexit audioop
base64 bdb binascii binhex bisect builtins bz2 calendar cgi cgitb chunk cmath cmd code codecs codeop
collections colorsys compileall concurrent configparser contextlib contextvars copy copyreg cProfile
crypt csv ctypes curses dataclasses datetime dbm decimal difflib dis distutils doctest email
encodings ensurepip enum errno faulthandler fcntl filecmp fileinput fnmatch formatter fractions ftplib
functools gc genericpath getopt getpass gettext glob graphlib grp gzip hashlib heapq hmac html http
idlelib imaplib imghdr imp importlib inspect io ipaddress itertools json keyword lib2to3 linecache
locale logging lzma mailbox mailcap marshal math mimetypes mmap modulefinder msilib msvcrt
multiprocessing netrc nis nntplib nt ntpath nturl2path numbers opcode operator optparse os
ossaudiodev parser pathlib pdb pickle pickletools pipes pkgutil platform plistlib poplib posix
posixpath pprint profile pstats pty pwd py_compile pyclbr pydoc pydoc_data pyexpat queue quopri random
re readline reprlib resource rlcompleter runpy sched secrets select selectors shelve shlex shutil
signal site smtpd smtplib sndhdr socket socketserver spwd sqlite3 sre_compile sre_constants sre_parse
ssl stat statistics string stringprep struct subprocess sunau symbol symtable sys sysconfig syslog
tabnanny tarfile telnetlib tempfile termios textwrap this threading time timeit tkinter token
tokenize tomllib trace traceback tracemalloc tty turtle turtledemo types typing
unicodedata unittest urllib uu uuid venv warnings wave weakref webbrowser winreg winsound wsgiref
xdrlib xml xmlrpc zipapp zipfile zipimport zlib zoneinfo _abc _ast _asyncio _bisect _codecs
_collections _collections_abc _compat_pickle _compression _contextvars _csv _ctypes _datetime
_decimal _functools _heapq _io _json _locale _md5 _operator _pickle _posixsubprocess _random _sha1
_sha256 _signal _socket _sqlite3 _sre _ssl _stat _string _struct _thread _threading_local _tracemalloc
_warnings _weakref _weakrefset
`
    .trim()
    .split(/\s+/),
);
