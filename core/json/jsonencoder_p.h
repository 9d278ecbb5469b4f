#pragma once

// Private to core/json: the Encoder, which writes one document in the encoding of json_p.h (used by the parser,
// by Json's constructors and with*() functions, and by the conversion from QJsonValue); its grow() and finish() are
// in jsonencoder.cpp.

#include "core/json/json_p.h"

namespace refetch::jsonimpl {

// Writes one document: scalars go straight to the buffer, containers are closed with
// endContainer() once their elements are known.
class Encoder
{
public:
    explicit Encoder(qsizetype capacityHint)
    {
        const qsizetype wanted = HeaderSize + capacityHint;
        if (wanted <= qsizetype(sizeof m_local)) {
            m_buf = m_local;
            m_cap = sizeof m_local;
        } else {
            m_buf = static_cast<uchar *>(std::malloc(size_t(wanted)));
            Q_CHECK_PTR(m_buf);
            m_cap = wanted;
        }
    }
    ~Encoder()
    {
        if (m_buf != m_local)
            std::free(m_buf);
    }
    Q_DISABLE_COPY_MOVE(Encoder)

    qsizetype pos() const { return m_len; }
    void setPos(qsizetype pos) { m_len = pos; }
    uchar *at(qsizetype pos) { return m_buf + pos; }
    // The containers begun and not yet ended: how many, and whether the innermost is an object.
    int depth() const { return int(m_frames.size()); }
    bool inObject() const { return m_frames.last().object; }

    void reserve(qsizetype n)
    {
        if (Q_UNLIKELY(m_cap - m_len < n))
            grow(n);
    }
    void putByte(uchar b)
    {
        reserve(1);
        m_buf[m_len++] = b;
    }
    void putBytes(const void *p, qsizetype n)
    {
        reserve(n);
        if (n)
            std::memcpy(m_buf + m_len, p, size_t(n));
        m_len += n;
    }
    void putNull() { putByte(TagNull); }
    void putBool(bool b) { putByte(b ? TagTrue : TagFalse); }
    void putInteger(qint64 v)
    {
        reserve(9);
        uchar *out = m_buf + m_len;
        if (v == qint8(v)) {
            out[0] = TagInt8;
            out[1] = uchar(v);
            m_len += 2;
        } else if (v == qint16(v)) {
            out[0] = TagInt16;
            store(out + 1, qint16(v));
            m_len += 3;
        } else if (v == qint32(v)) {
            out[0] = TagInt32;
            store(out + 1, qint32(v));
            m_len += 5;
        } else {
            out[0] = TagInt64;
            store(out + 1, v);
            m_len += 9;
        }
    }
    void putDouble(double d)
    {
        reserve(9);
        m_buf[m_len] = TagDouble;
        store(m_buf + m_len + 1, d);
        m_len += 9;
    }
    void putNumberText(const char *text, qsizetype n)
    {
        reserve(n + 5);
        m_buf[m_len] = TagNumberText;
        store(m_buf + m_len + 1, quint32(n));
        std::memcpy(m_buf + m_len + 5, text, size_t(n));
        m_len += 5 + n;
    }
    uchar *putStringHeader(qsizetype n, bool ascii)
    {
        reserve(n + 5);
        uchar *out = m_buf + m_len;
        const uchar a = ascii ? TagAscii : 0;
        if (n < LongString) {
            *out++ = TagString | a | uchar(n);
            m_len += 1 + n;
        } else {
            *out++ = TagString | a | LongString;
            store(out, quint32(n));
            out += 4;
            m_len += 5 + n;
        }
        return out;
    }
    void putString(const char *s, qsizetype n, bool ascii)
    {
        uchar *out = putStringHeader(n, ascii);
        if (n)
            std::memcpy(out, s, size_t(n));
    }
    void putString(QStringView s)
    {
        if (putShortAscii(s.utf16(), s.size()))
            return;
        bool ascii;
        const qsizetype n = utf8Length(s, &ascii);
        encodeUtf8(s, putStringHeader(n, ascii));
    }
    void putString(QLatin1StringView s)
    {
        if (putShortAscii(s.data(), s.size()))
            return;
        qsizetype n = s.size();
        for (char c : s)
            n += uchar(c) >= 0x80;
        uchar *out = putStringHeader(n, n == s.size());
        for (char c : s)
            out = putCodePoint(out, uchar(c));
    }
    void putRaw(const uchar *p) { putBytes(p, encodedSizeAt(p)); }
    // Undefined has no encoding; inside a container it is written as null.
    void putValue(const Json &v)
    {
        if (const uchar *p = JsonAccess::bytes(v))
            putRaw(p);
        else
            putNull();
    }
    void putMember(const uchar *key)
    {
        mark();
        putBytes(key, encodedSizeAt(key) + encodedSizeAt(Container::valueOf(key)));
    }

    void beginContainer(bool object)
    {
        reserve(5);
        m_frames.append({quint32(m_len), quint32(m_offsets.size()), object});
        m_len += 5; // the tag and size are written by endContainer()
    }
    // Records where the next element (or member key) starts.
    void mark() { m_offsets.append(quint32(m_len)); }
    inline void endContainer();
    Json finish();

private:
    Q_DECL_COLD_FUNCTION void grow(qsizetype n);
    // Most strings (member names, ids, plain values) are short ASCII: copied in one pass. Returns false, having
    // written nothing that counts, for any other string, which the caller measures and encodes.
    template <typename Char>
    bool putShortAscii(const Char *p, qsizetype len)
    {
        if (len >= LongString)
            return false;
        reserve(len + 1);
        if (copyAscii(p, len, m_buf + m_len + 1) != len)
            return false;
        m_buf[m_len] = uchar(TagString | TagAscii | len);
        m_len += 1 + len;
        return true;
    }

    struct Frame
    {
        quint32 start;
        quint32 firstOffset;
        bool object;
    };
    uchar *m_buf;
    qsizetype m_len = HeaderSize;
    qsizetype m_cap;
    QVarLengthArray<quint32, 64> m_offsets;
    QVarLengthArray<Frame, 16> m_frames;   // the open containers, innermost last
    alignas(8) uchar m_local[1024];
};

// Inline for the parser, which closes a container at every ']' and '}'.
inline void Encoder::endContainer()
{
    const Frame f = m_frames.last();
    m_frames.removeLast();
    const qsizetype count = m_offsets.size() - f.firstOffset;
    const quint32 *offsets = m_offsets.constData() + f.firstOffset;
    // Each element takes at least a byte after the 5-byte header, so count <= last offset
    // and the count fits the same width.
    const quint32 last = count ? offsets[count - 1] - f.start : 0;
    const int code = last <= 0xFF ? 0 : last <= 0xFFFF ? 1 : 2;
    const int width = 1 << code;
    reserve((count + 1) * width);
    uchar *out = m_buf + m_len;
    switch (code) {
    case 0:
        for (qsizetype i = 0; i < count; ++i)
            out[i] = uchar(offsets[i] - f.start);
        out[count] = uchar(count);
        break;
    case 1:
        for (qsizetype i = 0; i < count; ++i)
            store(out + 2 * i, quint16(offsets[i] - f.start));
        store(out + 2 * count, quint16(count));
        break;
    default:
        for (qsizetype i = 0; i < count; ++i)
            store(out + 4 * i, quint32(offsets[i] - f.start));
        store(out + 4 * count, quint32(count));
        break;
    }
    m_len += (count + 1) * width;
    m_offsets.resize(f.firstOffset);
    m_buf[f.start] = uchar((f.object ? TagObject : TagArray) | code);
    store(m_buf + f.start + 1, quint32(m_len - f.start));
}

// A document written by `write`, which is given an Encoder with room for about sizeHint bytes.
template <typename Build>
Json build(qsizetype sizeHint, Build &&write)
{
    Encoder e(sizeHint);
    write(e);
    return e.finish();
}

} // namespace refetch::jsonimpl
