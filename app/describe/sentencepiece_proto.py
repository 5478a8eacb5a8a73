"""Read (and, for tests, write) a SentencePiece ``tokenizer.model`` without sentencepiece or protobuf.

The original InternVL2 checkpoints ship only a SentencePiece model. Neither library is a Vitrina
dependency, and the file is a plain protobuf message, so the few fields a conversion needs are
read here by hand. Field numbers follow sentencepiece_model.proto.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

# SentencePiece.Type
NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE = 1, 2, 3, 4, 5, 6
# TrainerSpec.ModelType
UNIGRAM, BPE = 1, 2


@dataclass
class Piece:
    piece: str
    score: float = 0.0
    type: int = NORMAL


@dataclass
class SpmModel:
    pieces: list[Piece] = field(default_factory=list)
    model_type: int = UNIGRAM  # the proto's default
    byte_fallback: bool = False
    add_dummy_prefix: bool = True  # the proto's default
    precompiled_charsmap: bytes = b""


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7


def _fields(data: bytes):
    """(field number, wire type, value) for each field of one message; unknown fields are skipped."""
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(data, pos)
        elif wire == 1:
            value, pos = data[pos : pos + 8], pos + 8
        elif wire == 2:
            length, pos = _varint(data, pos)
            value, pos = data[pos : pos + length], pos + length
        elif wire == 5:
            value, pos = data[pos : pos + 4], pos + 4
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
        yield number, wire, value


def parse(data: bytes) -> SpmModel:
    model = SpmModel()
    for number, _wire, value in _fields(data):
        if number == 1:  # repeated SentencePiece pieces
            piece = Piece("")
            for n, _w, v in _fields(value):
                if n == 1:
                    piece.piece = v.decode("utf-8")
                elif n == 2:
                    piece.score = struct.unpack("<f", v)[0]
                elif n == 3:
                    piece.type = v
            model.pieces.append(piece)
        elif number == 2:  # TrainerSpec
            for n, _w, v in _fields(value):
                if n == 3:
                    model.model_type = v
                elif n == 35:
                    model.byte_fallback = bool(v)
        elif number == 3:  # NormalizerSpec
            for n, _w, v in _fields(value):
                if n == 2:
                    model.precompiled_charsmap = bytes(v)
                elif n == 3:
                    model.add_dummy_prefix = bool(v)
    return model


def _key(number: int, wire: int) -> bytes:
    return _encode_varint(number << 3 | wire)


def _encode_varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _bytes_field(number: int, payload: bytes) -> bytes:
    return _key(number, 2) + _encode_varint(len(payload)) + payload


def _varint_field(number: int, value: int) -> bytes:
    return _key(number, 0) + _encode_varint(value)


def serialize(model: SpmModel) -> bytes:
    """The inverse of :func:`parse` for the same fields (tests build original checkpoints with it)."""
    out = bytearray()
    for p in model.pieces:
        body = _bytes_field(1, p.piece.encode("utf-8")) + _key(2, 5) + struct.pack("<f", p.score)
        out += _bytes_field(1, body + _varint_field(3, p.type))
    out += _bytes_field(2, _varint_field(3, model.model_type) + _varint_field(35, int(model.byte_fallback)))
    normalizer = _bytes_field(1, b"identity") + _varint_field(3, int(model.add_dummy_prefix))
    if model.precompiled_charsmap:
        normalizer += _bytes_field(2, model.precompiled_charsmap)
    out += _bytes_field(3, normalizer)
    return bytes(out)
