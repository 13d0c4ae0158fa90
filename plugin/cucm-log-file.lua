-- cucm-log-file.lua - open a CUCM TVS trace (cTVS*.txt) or a phone console
-- log in Wireshark/tshark, one record per line (a HEX_DUMP block is one record).
--
-- SPDX-License-Identifier: GPL-2.0-or-later
--
-- Part of the cucm-sbd plugin.  Wireshark 4.0 does not install wtap-int.h,
-- so a C file reader cannot be built outside its source tree; this reader
-- only recognises the file by its line format, cuts it into records and
-- stamps their time.  Everything else is the C dissector "cucmlog"
-- (dissectors/packet-cucmlog.c): each record is an exported PDU addressed
-- to it, carrying a 12-byte header and the record's text:
--   0 kind (1 TVS trace, 2 phone log "3233 NOT Nov 29 ...", 3 phone log
--     "837: NOT 09:13:17...")   1 date source (0 none, 1 preference cucmlog.date,
--     2 the line itself with the preference's year, 3 the line's month/day, year unknown)
--   2 flags (1: the line was cut at MAX_LINE bytes)   3 lines in the record
--   4 line number (BE32)   8 year (BE16)   10 month   11 day
-- Line formats: ../shared/docs/logs.md; design: README.md "Logs".

-- Loaded twice (installed, and by itl-audit from its build tree)?  Once is enough.
if CUCM_SBD_LOG_READER_LOADED then return end
CUCM_SBD_LOG_READER_LOADED = true

local MAX_LINE = 16384        -- longer lines are cut (the rest is skipped)
local MAX_HEX_LINES = 9000    -- hex lines in one HEX_DUMP record (65545 bytes / 8 + slack)
local HEAD = 8192             -- bytes looked at to recognise the file
local CHECKPOINT = 256        -- every 256th record's line number is remembered

local KIND_TRACE, KIND_PHONE_NEW, KIND_PHONE_OLD = 1, 2, 3

local P_TRACE = "^(%d%d):(%d%d):(%d%d)%.(%d%d%d) | %a+ "
local P_NEW = "^%d+ %u%u%u (%a%a%a) +(%d%d?) (%d%d):(%d%d):(%d%d)%.(%d+) "
local P_OLD = "^%d+: %u%u%u (%d%d):(%d%d):(%d%d)%.(%d+) "
local P_HEXLINE = "^%d%d:%d%d:%d%d%.%d%d%d | %a+ [%x ]+$"
local P_HEXHEAD = "^HEX_DUMP: Len = %d+:$"

local MONTHS = { Jan = 1, Feb = 2, Mar = 3, Apr = 4, May = 5, Jun = 6,
                 Jul = 7, Aug = 8, Sep = 9, Oct = 10, Nov = 11, Dec = 12 }

-- Days since 1970-01-01 of a proleptic Gregorian date.
local function days(y, m, d)
    if m <= 2 then y = y - 1 end
    local era = math.floor(y / 400)
    local yoe = y - era * 400
    local mp = (m + 9) % 12
    local doy = math.floor((153 * mp + 2) / 5) + d - 1
    local doe = yoe * 365 + math.floor(yoe / 4) - math.floor(yoe / 100) + doy
    return era * 146097 + doe - 719468
end

local function pref_date()
    local ok, v = pcall(get_preference, "cucmlog.date")
    if not ok or type(v) ~= "string" then return nil end
    local y, m, d = v:match("^%s*(%d%d%d%d)-(%d%d)-(%d%d)%s*$")
    if not y then return nil end
    y, m, d = tonumber(y), tonumber(m), tonumber(d)
    if m < 1 or m > 12 or d < 1 or d > 31 then return nil end
    return y, m, d
end

-- Nanoseconds of a fraction of a second given as digits ("033132" -> 33132000).
local function frac_ns(digits)
    digits = (digits .. "000000000"):sub(1, 9)
    return tonumber(digits)
end

local function strip_cr(s)
    if s:sub(-1) == "\r" then return s:sub(1, -2) end
    return s
end

-- A buffered line reader on a File (the sequential or the random-access
-- one): base = file offset of buf's first byte, pos = next byte in buf.
-- Memory stays bounded: at most MAX_LINE + one chunk is held.
local CHUNK = 65536

local function new_reader(file, off)
    return { file = file, buf = "", base = off, pos = 1 }
end

local function r_tell(r) return r.base + r.pos - 1 end

local function r_fill(r)
    r.file:seek("set", r.base + #r.buf)
    local more = r.file:read(CHUNK)
    if not more or #more == 0 then return false end
    local keep = r.mark and math.min(r.mark - r.base + 1, r.pos) or r.pos
    if keep > 1 then
        r.buf = r.buf:sub(keep)
        r.base = r.base + keep - 1
        r.pos = r.pos - keep + 1
    end
    r.buf = r.buf .. more
    return true
end

-- One line: text (cut at MAX_LINE), whether it was cut; nil at the end.
local function read_line(r)
    while true do
        local nl = r.buf:find("\n", r.pos, true)
        if nl and nl - r.pos <= MAX_LINE then
            local line = r.buf:sub(r.pos, nl - 1)
            r.pos = nl + 1
            return strip_cr(line), false
        end
        if nl or #r.buf - r.pos + 1 > MAX_LINE then
            local line = r.buf:sub(r.pos, r.pos + MAX_LINE - 1)
            r.pos = r.pos + MAX_LINE
            while true do
                local p = r.buf:find("\n", r.pos, true)
                if p then
                    r.pos = p + 1
                    return line, true
                end
                r.pos = #r.buf + 1
                if not r_fill(r) then return line, true end
            end
        end
        if not r_fill(r) then
            if r.pos > #r.buf then return nil end
            local line = r.buf:sub(r.pos)
            r.pos = #r.buf + 1
            return strip_cr(line), false
        end
    end
end

local function kind_of(line)
    if line:match(P_TRACE) then return KIND_TRACE end
    if line:match(P_NEW) then return KIND_PHONE_NEW end
    if line:match(P_OLD) then return KIND_PHONE_OLD end
    return nil
end

local function recognise(head)
    if head:find("\0", 1, true) then return nil end
    local counts, n = { 0, 0, 0 }, 0
    for raw in head:gmatch("([^\n]*)\n") do
        local line = strip_cr(raw)
        if #line > 0 then
            n = n + 1
            local k = kind_of(line)
            if k then counts[k] = counts[k] + 1 end
            if n == 20 then break end
        end
    end
    for k = 1, 3 do
        -- a few lines of the format, and most of the lines looked at
        if counts[k] >= math.min(3, n) and counts[k] * 2 > n then return k end
    end
    return nil
end

local function u16(v) return string.char(math.floor(v / 256) % 256, v % 256) end
local function u32(v)
    return string.char(math.floor(v / 16777216) % 256, math.floor(v / 65536) % 256,
                       math.floor(v / 256) % 256, v % 256)
end

local PDU_HEAD = u16(12) .. u16(7) .. "cucmlog" .. u16(0) .. u16(0)

-- Read the record at the file's position: data, time {seconds, ns}, lines used.
local function read_record(r, st, lineno)
    local text, cut = read_line(r)
    if not text then return nil end
    local lines, flags = 1, cut and 1 or 0
    local tod, ns
    if st.kind == KIND_TRACE then
        local h, m, s, ms = text:match(P_TRACE)
        if h then tod, ns = h * 3600 + m * 60 + s, frac_ns(ms) end
        if text:match(P_HEXHEAD) then
            local parts = { text }
            while lines < MAX_HEX_LINES do
                local pos = r_tell(r)
                r.mark = pos
                local nxt, ncut = read_line(r)
                r.mark = nil
                if not nxt or ncut or not nxt:match(P_HEXLINE) then
                    r.pos = pos - r.base + 1
                    break
                end
                parts[#parts + 1] = nxt
                lines = lines + 1
                if not tod then
                    local h2, m2, s2, ms2 = nxt:match(P_TRACE)
                    tod, ns = h2 * 3600 + m2 * 60 + s2, frac_ns(ms2)
                end
            end
            text = table.concat(parts, "\n")
        end
    else
        local mon, day, h, m, s, frac
        if st.kind == KIND_PHONE_NEW then
            mon, day, h, m, s, frac = text:match(P_NEW)
        else
            h, m, s, frac = text:match(P_OLD)
        end
        if h then
            tod, ns = h * 3600 + m * 60 + s, frac_ns(frac)
            if mon then
                st.line_month, st.line_day = MONTHS[mon] or 0, tonumber(day)
            end
        end
    end
    if tod then st.tod, st.ns = tod, ns end
    local y, mo, d, src = 0, 0, 0, 0
    if st.kind == KIND_PHONE_NEW and st.line_month and st.line_month > 0 then
        mo, d = st.line_month, st.line_day
        if st.year then y, src = st.year, 2 else y, src = 1970, 3 end
    elseif st.year then
        y, mo, d, src = st.year, st.month, st.day, 1
    end
    local base = 0
    if src ~= 0 then base = days(y, mo, d) * 86400 end
    local t = { base + (st.tod or 0), st.ns or 0 }
    local hdr = string.char(st.kind, src, flags, math.min(lines, 255)) .. u32(lineno) ..
                u16(src ~= 0 and y or 0) .. string.char(src ~= 0 and mo or 0, src ~= 0 and d or 0)
    return PDU_HEAD .. hdr .. text, t, lines
end

local function read_open(file, capture)
    file:seek("set", 0)
    local head = file:read(HEAD)
    if not head or #head == 0 then return false end
    if #head < HEAD and head:sub(-1) ~= "\n" then head = head .. "\n" end
    local kind = recognise(head)
    if not kind then return false end
    file:seek("set", 0)
    local y, m, d = pref_date()
    capture.encap = wtap_encaps.WIRESHARK_UPPER_PDU
    capture.time_precision = wtap_tsprecs.USEC
    capture.snapshot_length = 0
    capture.private_table = { kind = kind, year = y, month = m, day = d,
                              lineno = 1, records = 0, cp_off = {}, cp_line = {},
                              reader = new_reader(nil, 0) }
    return true
end

local function fill(frame, data, t)
    frame.rec_type = wtap_rec_types.PACKET
    frame.encap = wtap_encaps.WIRESHARK_UPPER_PDU
    frame.time = NSTime(t[1], t[2])
    frame.captured_length = #data
    frame.original_length = #data
    frame.flags = wtap_presence_flags.TS + wtap_presence_flags.CAP_LEN
    frame.data = data
end

local function read(file, capture, frame)
    local st = capture.private_table
    local r = st.reader
    r.file = file                 -- a File object is valid during one call only
    local off = r_tell(r)
    local data, t, lines = read_record(r, st, st.lineno)
    if not data then return false end
    if st.records % CHECKPOINT == 0 then
        st.cp_off[#st.cp_off + 1] = off
        st.cp_line[#st.cp_line + 1] = st.lineno
    end
    st.records = st.records + 1
    st.lineno = st.lineno + lines
    fill(frame, data, t)
    return off
end

-- Random access (Wireshark's GUI): the line number comes from the nearest
-- remembered record before `offset`, counting the records in between.
local function seek_read(file, capture, frame, offset)
    local st = capture.private_table
    local lo, hi = 1, #st.cp_off
    if hi == 0 then return false end
    while lo < hi do
        local mid = math.floor((lo + hi + 1) / 2)
        if st.cp_off[mid] <= offset then lo = mid else hi = mid - 1 end
    end
    local rs = { kind = st.kind, year = st.year, month = st.month, day = st.day }
    local lineno = st.cp_line[lo]
    -- time of day and month/day carry over from the lines before: the walk
    -- from the checkpoint leaves them in rs
    local r = new_reader(file, st.cp_off[lo])
    while r_tell(r) < offset do
        local data, _, lines = read_record(r, rs, lineno)
        if not data then return false end
        lineno = lineno + lines
    end
    if r_tell(r) ~= offset then return false end
    local data, t = read_record(r, rs, lineno)
    if not data then return false end
    fill(frame, data, t)
    return true
end

local function read_close(file, capture)
    return true
end

local fh = FileHandler.new("CUCM TVS trace / phone console log (cucm-sbd)", "cucmlog",
    "Cisco TVS trace (RTMT, Detailed) or IP phone console log, one record per line", "rs")
fh.read_open = read_open
fh.read = read
fh.seek_read = seek_read
fh.read_close = read_close
fh.seq_read_close = read_close
fh.extensions = "txt;log"
register_filehandler(fh)
