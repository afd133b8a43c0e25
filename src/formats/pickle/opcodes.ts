/**
 * The 68 pickle opcodes (CPython `pickletools.opcodes`, protocols 0–5). Values are the opcode
 * bytes. Kept as plain constants so the VM's switch compiles to a jump table.
 */
export const OP = {
  INT: 0x49, // 'I'  decimal line ("00"/"01" = False/True)
  BININT: 0x4a, // 'J'  i32 LE
  BININT1: 0x4b, // 'K' u8
  BININT2: 0x4d, // 'M' u16 LE
  LONG: 0x4c, // 'L'  decimal line, optional trailing L
  LONG1: 0x8a, // u8 length + two's-complement LE
  LONG4: 0x8b, // i32 length + two's-complement LE
  STRING: 0x53, // 'S' quoted repr line
  BINSTRING: 0x54, // 'T' i32 length
  SHORT_BINSTRING: 0x55, // 'U' u8 length
  BINBYTES: 0x42, // 'B' u32 length
  SHORT_BINBYTES: 0x43, // 'C' u8 length
  BINBYTES8: 0x8e, // u64 length
  BYTEARRAY8: 0x96, // u64 length
  NEXT_BUFFER: 0x97,
  READONLY_BUFFER: 0x98,
  NONE: 0x4e, // 'N'
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  UNICODE: 0x56, // 'V' raw-unicode-escape line
  SHORT_BINUNICODE: 0x8c, // u8 length
  BINUNICODE: 0x58, // 'X' u32 length
  BINUNICODE8: 0x8d, // u64 length
  FLOAT: 0x46, // 'F' repr line
  BINFLOAT: 0x47, // 'G' f64 big-endian
  EMPTY_LIST: 0x5d, // ']'
  APPEND: 0x61, // 'a'
  APPENDS: 0x65, // 'e'
  LIST: 0x6c, // 'l'
  EMPTY_TUPLE: 0x29, // ')'
  TUPLE: 0x74, // 't'
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  TUPLE3: 0x87,
  EMPTY_DICT: 0x7d, // '}'
  DICT: 0x64, // 'd'
  SETITEM: 0x73, // 's'
  SETITEMS: 0x75, // 'u'
  EMPTY_SET: 0x8f,
  ADDITEMS: 0x90,
  FROZENSET: 0x91,
  POP: 0x30, // '0'
  DUP: 0x32, // '2'
  MARK: 0x28, // '('
  POP_MARK: 0x31, // '1'
  GET: 0x67, // 'g' decimal line
  BINGET: 0x68, // 'h' u8
  LONG_BINGET: 0x6a, // 'j' u32 LE
  PUT: 0x70, // 'p' decimal line
  BINPUT: 0x71, // 'q' u8
  LONG_BINPUT: 0x72, // 'r' u32 LE
  MEMOIZE: 0x94,
  EXT1: 0x82, // u8
  EXT2: 0x83, // u16 LE
  EXT4: 0x84, // i32 LE
  GLOBAL: 0x63, // 'c' module line + name line
  STACK_GLOBAL: 0x93,
  REDUCE: 0x52, // 'R'
  BUILD: 0x62, // 'b'
  INST: 0x69, // 'i' module line + name line
  OBJ: 0x6f, // 'o'
  NEWOBJ: 0x81,
  NEWOBJ_EX: 0x92,
  PROTO: 0x80, // u8
  STOP: 0x2e, // '.'
  FRAME: 0x95, // u64 LE
  PERSID: 0x50, // 'P' ascii line
  BINPERSID: 0x51, // 'Q'
} as const;

/**
 * The same opcodes as a const enum: the compiler inlines the numbers, so the VM's `switch` gets
 * literal case labels and compiles to a jump table instead of a chain of property loads.
 */
export const enum Op {
  INT = 0x49,
  BININT = 0x4a,
  BININT1 = 0x4b,
  BININT2 = 0x4d,
  LONG = 0x4c,
  LONG1 = 0x8a,
  LONG4 = 0x8b,
  STRING = 0x53,
  BINSTRING = 0x54,
  SHORT_BINSTRING = 0x55,
  BINBYTES = 0x42,
  SHORT_BINBYTES = 0x43,
  BINBYTES8 = 0x8e,
  BYTEARRAY8 = 0x96,
  NEXT_BUFFER = 0x97,
  READONLY_BUFFER = 0x98,
  NONE = 0x4e,
  NEWTRUE = 0x88,
  NEWFALSE = 0x89,
  UNICODE = 0x56,
  SHORT_BINUNICODE = 0x8c,
  BINUNICODE = 0x58,
  BINUNICODE8 = 0x8d,
  FLOAT = 0x46,
  BINFLOAT = 0x47,
  EMPTY_LIST = 0x5d,
  APPEND = 0x61,
  APPENDS = 0x65,
  LIST = 0x6c,
  EMPTY_TUPLE = 0x29,
  TUPLE = 0x74,
  TUPLE1 = 0x85,
  TUPLE2 = 0x86,
  TUPLE3 = 0x87,
  EMPTY_DICT = 0x7d,
  DICT = 0x64,
  SETITEM = 0x73,
  SETITEMS = 0x75,
  EMPTY_SET = 0x8f,
  ADDITEMS = 0x90,
  FROZENSET = 0x91,
  POP = 0x30,
  DUP = 0x32,
  MARK = 0x28,
  POP_MARK = 0x31,
  GET = 0x67,
  BINGET = 0x68,
  LONG_BINGET = 0x6a,
  PUT = 0x70,
  BINPUT = 0x71,
  LONG_BINPUT = 0x72,
  MEMOIZE = 0x94,
  EXT1 = 0x82,
  EXT2 = 0x83,
  EXT4 = 0x84,
  GLOBAL = 0x63,
  STACK_GLOBAL = 0x93,
  REDUCE = 0x52,
  BUILD = 0x62,
  INST = 0x69,
  OBJ = 0x6f,
  NEWOBJ = 0x81,
  NEWOBJ_EX = 0x92,
  PROTO = 0x80,
  STOP = 0x2e,
  FRAME = 0x95,
  PERSID = 0x50,
  BINPERSID = 0x51,
}

export type OpName = keyof typeof OP;

const NAMES: (string | undefined)[] = new Array<string | undefined>(256);
for (const [name, code] of Object.entries(OP)) NAMES[code] = name;

/** Opcode name for a byte, or undefined when the byte is not an opcode. */
export function opName(byte: number): string | undefined {
  return NAMES[byte];
}

export function isOpcode(byte: number): boolean {
  return NAMES[byte] !== undefined;
}
