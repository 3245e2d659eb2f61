;; Line index for the log organizer (compiled by scripts/build-line-index.ts into
;; src/organize/line-index-wasm.ts). Finds the newlines of a buffer 64 bytes at a time and drops
;; the lines that are certainly not warnings or errors, so JavaScript only looks at the rest.
;;
;; scan(start, end, out, max) -> count
;;   Scans memory[start, end), where `start` is the beginning of a line. For every line that ends
;;   in the range and is not routine it writes (line start, newline offset) as two i32 at `out`,
;;   at most `max` pairs. Sets `lines` to the number of newlines seen and `resume` to the start of
;;   the first line not finished: the end of the range's last complete line, or earlier when `out`
;;   could fill up (fewer than 64 free pairs: call again from `resume`).
;;
;; A routine line is either JSON starting with `{"level":` (optionally a space) followed by a
;; string whose first letter is not w, e, f, c or p (and not "dp") in any case, or by a digit 0-3
;; (pino's 10-30); or text starting with a timestamp whose level words are none of error, warn,
;; fatal, critical, panic (see $routineText). Everything else is passed on: JavaScript's
;; isCandidateLine decides. Dropping a line JavaScript would keep is a bug: line-index.test.ts
;; checks that on every kind of line the scanner knows.
;;
;; shapeHash(start, end) -> f64: the grouping key of a problem line's shape (see below).
(module
  (import "env" "memory" (memory 1))
  ;; memory[0, 256): the byte kinds of the shape hash: 2 digit, 1 other token byte (letters,
  ;; `_ - . :`), 0 separator. memory[256, 512): 1 for the bytes a text line's leading timestamp
  ;; and separators are made of (digits, `-:.,+TZ/`, blanks, brackets, `|`), as in line-scanner.ts.
  ;; Buffers start after both tables (LineIndex reserves them).
  (data (i32.const 0) "\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\01\01\00\02\02\02\02\02\02\02\02\02\02\01\00\00\00\00\00\00\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\00\00\00\00\01\00\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00")
  (global $lines (export "lines") (mut i32) (i32.const 0))
  (global $resume (export "resume") (mut i32) (i32.const 0))

  (data (i32.const 256) "\00\00\00\00\00\00\00\00\00\01\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\01\00\00\00\00\00\00\00\01\01\00\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\01\00\00\00\00\00\01\01\00\01\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\01\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00")

  ;; 1 when the line [start, end) (end: its newline) is certainly not a warning or error.
  (func $routine (param $start i32) (param $end i32) (result i32)
    (local $c i32)
    (local.set $c (i32.load8_u (local.get $start)))
    (if (i32.eq (local.get $c) (i32.const 123)) (then (return (call $routineJson (local.get $start) (local.get $end)))))
    (if (i32.lt_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 10))
      (then (return (call $routineText (local.get $start) (local.get $end)))))
    (i32.const 0))

  ;; 1 when the line [start, end) (end: its newline) is certainly a routine JSON record.
  (func $routineJson (param $start i32) (param $end i32) (result i32)
    (local $p i32) (local $c i32)
    ;; `{"level":` and three bytes of the value; `{"level"` little-endian
    (if (i32.lt_u (i32.sub (local.get $end) (local.get $start)) (i32.const 13)) (then (return (i32.const 0))))
    (if (i64.ne (i64.load align=1 (local.get $start)) (i64.const 0x226C6576656C227B)) (then (return (i32.const 0))))
    (if (i32.ne (i32.load8_u offset=8 (local.get $start)) (i32.const 58)) (then (return (i32.const 0))))
    (local.set $p (i32.add (local.get $start) (i32.const 9)))
    (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 32)) (then (local.set $p (i32.add (local.get $p) (i32.const 1)))))
    (local.set $c (i32.load8_u (local.get $p)))
    (if (i32.eq (local.get $c) (i32.const 34))
      (then
        (local.set $c (i32.or (i32.load8_u offset=1 (local.get $p)) (i32.const 32)))
        ;; w e f c p: warn, error, fatal, critical, panic
        (if (i32.or
              (i32.or (i32.eq (local.get $c) (i32.const 119)) (i32.eq (local.get $c) (i32.const 101)))
              (i32.or (i32.or (i32.eq (local.get $c) (i32.const 102)) (i32.eq (local.get $c) (i32.const 99)))
                      (i32.eq (local.get $c) (i32.const 112))))
          (then (return (i32.const 0))))
        ;; dpanic
        (if (i32.eq (local.get $c) (i32.const 100))
          (then
            (if (i32.eq (i32.or (i32.load8_u offset=2 (local.get $p)) (i32.const 32)) (i32.const 112))
              (then (return (i32.const 0))))))
        (return (i32.const 1))))
    ;; pino numbers: 10, 20, 30 are routine; 40 and up are not
    (i32.and (i32.ge_u (local.get $c) (i32.const 48)) (i32.le_u (local.get $c) (i32.const 51))))

  ;; 1 when a problem level word (error, warn, fatal, critical, panic) may start at `i`: its first
  ;; two letters match in any case (isCandidateLine wants the whole word, in one case).
  (func $maybeLevelWord (param $i i32) (param $end i32) (result i32)
    (local $c i32) (local $d i32)
    (if (i32.ge_u (i32.add (local.get $i) (i32.const 1)) (local.get $end)) (then (return (i32.const 0))))
    (local.set $c (i32.or (i32.load8_u (local.get $i)) (i32.const 32)))
    (local.set $d (i32.or (i32.load8_u offset=1 (local.get $i)) (i32.const 32)))
    (i32.or
      (i32.or
        (i32.and (i32.eq (local.get $c) (i32.const 101)) (i32.eq (local.get $d) (i32.const 114)))
        (i32.and (i32.eq (local.get $c) (i32.const 99)) (i32.eq (local.get $d) (i32.const 114))))
      (i32.and
        (i32.or (i32.or (i32.eq (local.get $c) (i32.const 119)) (i32.eq (local.get $c) (i32.const 102)))
                (i32.eq (local.get $c) (i32.const 112)))
        (i32.eq (local.get $d) (i32.const 97)))))

  ;; 1 when the text line [start, end) (starting with a digit: a timestamp) certainly has no problem
  ;; level: the first word after the timestamp and separators, and the word after it (Python's
  ;; `time - name - LEVEL`), within the first 64 bytes, are no level words, and it is no logfmt
  ;; `level=`. The same places line-scanner.ts's hasTextLevel looks.
  (func $routineText (param $start i32) (param $end i32) (result i32)
    (local $window i32) (local $i i32) (local $c i32)
    (if (i32.gt_u (local.get $end) (local.get $start))
      (then
        (if (i32.eq (i32.load8_u (i32.sub (local.get $end) (i32.const 1))) (i32.const 13))
          (then (local.set $end (i32.sub (local.get $end) (i32.const 1)))))))
    (local.set $window (i32.add (local.get $start) (i32.const 64)))
    (if (i32.gt_u (local.get $window) (local.get $end)) (then (local.set $window (local.get $end))))
    (local.set $i (local.get $start))
    (block $word
      (loop $prefix
        (br_if $word (i32.ge_u (local.get $i) (local.get $window)))
        (br_if $word (i32.eqz (i32.load8_u offset=256 (i32.load8_u (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $prefix)))
    (if (i32.ge_u (local.get $i) (local.get $window)) (then (return (i32.const 1))))
    ;; logfmt (`level=error`) and anything that may be a level word: let JavaScript decide
    (if (i32.eq (i32.or (i32.load8_u (local.get $i)) (i32.const 32)) (i32.const 108)) (then (return (i32.const 0))))
    (if (call $maybeLevelWord (local.get $i) (local.get $end)) (then (return (i32.const 0))))
    ;; the next word
    (block $blank
      (loop $letters
        (br_if $blank (i32.ge_u (local.get $i) (local.get $window)))
        (local.set $c (i32.load8_u (local.get $i)))
        (br_if $blank (i32.or (i32.eq (local.get $c) (i32.const 32)) (i32.eq (local.get $c) (i32.const 9))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $letters)))
    (block $second
      (loop $separators
        (br_if $second (i32.ge_u (local.get $i) (local.get $window)))
        (br_if $second (i32.eqz (i32.load8_u offset=256 (i32.load8_u (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $separators)))
    (if (i32.ge_u (local.get $i) (local.get $window)) (then (return (i32.const 1))))
    (i32.eqz (call $maybeLevelWord (local.get $i) (local.get $end))))

  ;; Records the line [start, nl) unless routine; returns the new pair count.
  (func $line (param $start i32) (param $nl i32) (param $out i32) (param $n i32) (result i32)
    (if (result i32) (call $routine (local.get $start) (local.get $nl))
      (then (local.get $n))
      (else
        (i32.store (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 3))) (local.get $start))
        (i32.store offset=4 (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 3))) (local.get $nl))
        (i32.add (local.get $n) (i32.const 1)))))

  (func (export "scan") (param $start i32) (param $end i32) (param $out i32) (param $max i32) (result i32)
    (local $p i32) (local $n i32) (local $mask i64) (local $nl i32) (local $lineStart i32)
    (local $count i32) (local $newline v128)
    (local.set $newline (i8x16.splat (i32.const 10)))
    (local.set $p (local.get $start))
    (local.set $lineStart (local.get $start))
    (block $done
      (loop $block
        ;; 64 bytes at a time: four 16-byte compares make one 64-bit newline mask
        (br_if $done (i32.gt_u (i32.add (local.get $p) (i32.const 64)) (local.get $end)))
        ;; a block holds at most 64 lines: stop while they all fit
        (br_if $done (i32.gt_u (i32.add (local.get $n) (i32.const 64)) (local.get $max)))
        (local.set $mask
          (i64.or
            (i64.or
              (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (v128.load align=1 (local.get $p)) (local.get $newline))))
              (i64.shl
                (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (v128.load offset=16 align=1 (local.get $p)) (local.get $newline))))
                (i64.const 16)))
            (i64.or
              (i64.shl
                (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (v128.load offset=32 align=1 (local.get $p)) (local.get $newline))))
                (i64.const 32))
              (i64.shl
                (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (v128.load offset=48 align=1 (local.get $p)) (local.get $newline))))
                (i64.const 48)))))
        (block $empty
          (loop $bits
            (br_if $empty (i64.eqz (local.get $mask)))
            (local.set $nl (i32.add (local.get $p) (i32.wrap_i64 (i64.ctz (local.get $mask)))))
            (local.set $n (call $line (local.get $lineStart) (local.get $nl) (local.get $out) (local.get $n)))
            (local.set $count (i32.add (local.get $count) (i32.const 1)))
            (local.set $lineStart (i32.add (local.get $nl) (i32.const 1)))
            (local.set $mask (i64.and (local.get $mask) (i64.sub (local.get $mask) (i64.const 1))))
            (br $bits)))
        (local.set $p (i32.add (local.get $p) (i32.const 64)))
        (br $block)))
    ;; the last bytes of the range (fewer than 64), unless `out` is full
    (if (i32.le_u (i32.add (local.get $n) (i32.const 64)) (local.get $max))
      (then
        (block $tailDone
          (loop $tail
            (br_if $tailDone (i32.ge_u (local.get $p) (local.get $end)))
            (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 10))
              (then
                (local.set $n (call $line (local.get $lineStart) (local.get $p) (local.get $out) (local.get $n)))
                (local.set $count (i32.add (local.get $count) (i32.const 1)))
                (local.set $lineStart (i32.add (local.get $p) (i32.const 1)))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $tail)))))
    (global.set $lines (local.get $count))
    (global.set $resume (local.get $lineStart))
    (local.get $n))
  ;; A LiveKit-style id prefix in [start, end): 2 to 4 upper-case letters, then `_`.
  (func $idPrefix (param $start i32) (param $end i32) (result i32)
    (local $k i32) (local $limit i32) (local $i i32) (local $c i32)
    (local.set $limit (i32.add (local.get $start) (i32.const 4)))
    (if (i32.gt_s (local.get $limit) (i32.sub (local.get $end) (i32.const 1)))
      (then (local.set $limit (i32.sub (local.get $end) (i32.const 1)))))
    (local.set $k (i32.add (local.get $start) (i32.const 2)))
    (block $none
      (loop $find
        (br_if $none (i32.gt_s (local.get $k) (local.get $limit)))
        (if (i32.eq (i32.load8_u (local.get $k)) (i32.const 95))
          (then
            (local.set $i (local.get $start))
            (block $upper
              (loop $letters
                (br_if $upper (i32.ge_u (local.get $i) (local.get $k)))
                (local.set $c (i32.load8_u (local.get $i)))
                (if (i32.or (i32.lt_u (local.get $c) (i32.const 65)) (i32.gt_u (local.get $c) (i32.const 90)))
                  (then (return (i32.const 0))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $letters)))
            (return (i32.const 1))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $find)))
    (i32.const 0))

  ;; shapeHash(start, end) -> the shape of memory[start, end) as a 53-bit number: two 32-bit FNV-like
  ;; lanes over the bytes, where every token (a run of letters, digits, `_ - . :`) that contains a
  ;; digit or starts like a LiveKit id (RM_, PA_, SCL_...) counts as `#`.
  (func (export "shapeHash") (param $start i32) (param $end i32) (result f64)
    (local $h1 i32) (local $h2 i32) (local $b1 i32) (local $b2 i32)
    (local $i i32) (local $c i32) (local $k i32) (local $kinds i32) (local $tokenStart i32)
    (local.set $h1 (i32.const 0x811c9dc5))
    (local.set $h2 (i32.const 0x01000193))
    (local.set $i (local.get $start))
    (block $finish
      (loop $walk
        (br_if $finish (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $c (i32.load8_u (local.get $i)))
        (local.set $k (i32.load8_u (local.get $c)))
        ;; separators
        (block $token
          (loop $separators
            (br_if $token (local.get $k))
            (local.set $h1 (i32.mul (i32.xor (local.get $h1) (local.get $c)) (i32.const 0x01000193)))
            (local.set $h2 (i32.mul (i32.xor (local.get $h2) (local.get $c)) (i32.const 0x5bd1e995)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $finish (i32.ge_u (local.get $i) (local.get $end)))
            (local.set $c (i32.load8_u (local.get $i)))
            (local.set $k (i32.load8_u (local.get $c)))
            (br $separators)))
        ;; a token: hash it as it goes, fold it back to `#` at its end if it is an id
        (local.set $b1 (local.get $h1))
        (local.set $b2 (local.get $h2))
        (local.set $tokenStart (local.get $i))
        (local.set $kinds (i32.const 0))
        (block $tokenEnd
          (loop $bytes
            (local.set $kinds (i32.or (local.get $kinds) (local.get $k)))
            (local.set $h1 (i32.mul (i32.xor (local.get $h1) (local.get $c)) (i32.const 0x01000193)))
            (local.set $h2 (i32.mul (i32.xor (local.get $h2) (local.get $c)) (i32.const 0x5bd1e995)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $tokenEnd (i32.ge_u (local.get $i) (local.get $end)))
            (local.set $c (i32.load8_u (local.get $i)))
            (local.set $k (i32.load8_u (local.get $c)))
            (br_if $bytes (local.get $k))))
        (if (i32.or (i32.and (local.get $kinds) (i32.const 2))
                    ;; an id starts with an upper-case letter: look further only then
                    (if (result i32)
                      (i32.lt_u (i32.sub (i32.load8_u (local.get $tokenStart)) (i32.const 65)) (i32.const 26))
                      (then (call $idPrefix (local.get $tokenStart) (local.get $i)))
                      (else (i32.const 0))))
          (then
            (local.set $h1 (i32.mul (i32.xor (local.get $b1) (i32.const 35)) (i32.const 0x01000193)))
            (local.set $h2 (i32.mul (i32.xor (local.get $b2) (i32.const 35)) (i32.const 0x5bd1e995)))))
        (br $walk)))
    (f64.convert_i64_u
      (i64.or
        (i64.shl (i64.extend_i32_u (local.get $h1)) (i64.const 21))
        (i64.extend_i32_u (i32.and (local.get $h2) (i32.const 0x1fffff))))))
)
