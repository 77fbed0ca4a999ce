using System.Runtime.CompilerServices;

// The hot paths stackalloc a few hundred bytes per call (names, unescaped strings) and always write before reading:
// zeroing them first would be pure cost.
[module: SkipLocalsInit]
