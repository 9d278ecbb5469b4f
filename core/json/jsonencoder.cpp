// The Encoder's out-of-line parts (declared in jsonencoder_p.h): UTF-16 to UTF-8, growing the buffer, and handing
// the finished document to a Json.

#include "core/json/jsonencoder_p.h"

#include <cstdlib>
#include <cstring>
#include <new>

namespace refetch {

namespace jsonimpl {

// UTF-16 to UTF-8; a lone surrogate becomes U+FFFD, as in QString::toUtf8().
qsizetype utf8Length(QStringView s, bool *ascii)
{
    qsizetype n = 0;
    bool allAscii = true;
    for (qsizetype i = 0; i < s.size(); ++i) {
        const char16_t c = s[i].unicode();
        if (c < 0x80) {
            ++n;
            continue;
        }
        allAscii = false;
        if (c < 0x800) {
            n += 2;
        } else if (QChar::isHighSurrogate(c) && i + 1 < s.size() && s[i + 1].isLowSurrogate()) {
            n += 4;
            ++i;
        } else {
            n += 3;
        }
    }
    *ascii = allAscii;
    return n;
}

uchar *encodeUtf8(QStringView s, uchar *out)
{
    for (qsizetype i = 0; i < s.size(); ++i) {
        const char16_t c = s[i].unicode();
        if (c < 0x80) {
            *out++ = uchar(c);
        } else if (QChar::isHighSurrogate(c) && i + 1 < s.size() && s[i + 1].isLowSurrogate()) {
            out = putCodePoint(out, QChar::surrogateToUcs4(c, s[i + 1].unicode()));
            ++i;
        } else {
            out = putCodePoint(out, QChar::isSurrogate(c) ? char32_t(0xFFFD) : char32_t(c));
        }
    }
    return out;
}

void Encoder::grow(qsizetype n)
{
    const qsizetype needed = m_len + n;
    if (needed - HeaderSize > MaxDocumentBytes)
        qBadAlloc();
    const qsizetype cap = std::min(std::max(needed, m_cap + m_cap / 2), MaxDocumentBytes + HeaderSize);
    uchar *buf;
    if (m_buf == m_local) {
        buf = static_cast<uchar *>(std::malloc(size_t(cap)));
        Q_CHECK_PTR(buf);
        std::memcpy(buf, m_local, size_t(m_len));
    } else {
        buf = static_cast<uchar *>(std::realloc(m_buf, size_t(cap)));
        Q_CHECK_PTR(buf);
    }
    m_buf = buf;
    m_cap = cap;
}

Json Encoder::finish()
{
    Q_ASSERT(m_frames.isEmpty() && m_len > HeaderSize);
    void *block;
    if (m_buf != m_local && m_cap >= ShrinkInPlaceBytes) {
        block = std::realloc(m_buf, size_t(m_len));
        if (!block) // a failed shrink leaves the block as it was
            block = m_buf;
        m_buf = m_local;
    } else {
        block = std::malloc(size_t(m_len));
        Q_CHECK_PTR(block);
        std::memcpy(static_cast<uchar *>(block) + HeaderSize, m_buf + HeaderSize, size_t(m_len - HeaderSize));
    }
    auto *d = new (block) JsonData{1, quint32(m_len - HeaderSize)};
    m_len = HeaderSize;
    return JsonAccess::adopt(d, 0);
}

} // namespace jsonimpl

} // namespace refetch
