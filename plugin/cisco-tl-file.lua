-- cisco-tl-file.lua - open a bare Cisco trust list or signed file
-- (ITLFile.tlv, CTLFile.tlv, SEP<MAC>.cnf.xml.sgn, ...) in Wireshark/tshark.
--
-- SPDX-License-Identifier: GPL-2.0-or-later
--
-- Part of the cucm-sbd plugin.  Wiretap cannot recognise these files (no
-- magic number), and a C file reader would need headers Wireshark does not
-- install, so this small reader hands the whole file over as one record of
-- encapsulation "MIME"; the C plugin's "wtap_file" heuristic then decodes it.

local MAX_FILE = 16 * 1024 * 1024

local function u16(s, i)
    return s:byte(i) * 256 + s:byte(i + 1)
end

-- A trust list starts with Version (tag 1, length 2) and Header Length
-- (tag 2, length 2).  Weak, so the check is strict and the reader is
-- registered as a weak heuristic (tried after every real capture format).
local function looks_like_trust_list(head)
    if not head or #head < 10 then return false end
    if head:byte(1) ~= 1 or u16(head, 2) ~= 2 then return false end
    return head:byte(6) == 2 and u16(head, 7) == 2
end

local function read_open(file, capture)
    local size = file:seek("end")
    file:seek("set", 0)
    if not size or size < 10 or size > MAX_FILE then return false end
    if not looks_like_trust_list(file:read(10)) then return false end
    file:seek("set", 0)
    capture.encap = wtap_encaps.MIME
    capture.time_precision = wtap_tsprecs.SEC    -- 4.0 and 4.4 both have wtap_tsprecs
    capture.snapshot_length = 0
    capture.private_table = { size = size }
    return true
end

local function read_record(file, capture, frame)
    local size = capture.private_table.size
    frame.rec_type = wtap_rec_types.PACKET
    frame.encap = wtap_encaps.MIME
    frame.time = NSTime(0, 0)
    frame.captured_length = size
    frame.original_length = size
    frame.flags = wtap_presence_flags.CAP_LEN
    return frame:read_data(file, size)
end

local function read(file, capture, frame)
    local pos = file:seek()
    if pos ~= 0 then return false end        -- one record: the whole file
    if not read_record(file, capture, frame) then return false end
    return 0
end

local function seek_read(file, capture, frame, offset)
    file:seek("set", offset)
    return read_record(file, capture, frame)
end

local function read_close(file, capture)
    return true
end

local fh = FileHandler.new("Cisco trust list / signed file (cucm-sbd)", "ciscotl",
    "Cisco ITL/CTL trust list or .sgn signed file, opened as one record", "rh")
fh.read_open = read_open
fh.read = read
fh.seek_read = seek_read
fh.read_close = read_close
fh.seq_read_close = read_close
fh.extensions = "tlv;sgn"
register_filehandler(fh)
