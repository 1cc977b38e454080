namespace Sensor.Core.Protocols.Text;

/// <summary>Small helpers over ASCII protocol lines; none allocate unless they return a string.</summary>
public static class Ascii
{
    /// <summary>Splits off the first space-separated token; rest has leading spaces removed.</summary>
    public static ReadOnlySpan<byte> NextToken(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> rest)
    {
        line = line.TrimStart((byte)' ');
        int space = line.IndexOf((byte)' ');
        if (space < 0)
        {
            rest = default;
            return line;
        }
        rest = line[(space + 1)..].TrimStart((byte)' ');
        return line[..space];
    }

    public static bool EqualsIgnoreCase(ReadOnlySpan<byte> bytes, string ascii)
    {
        if (bytes.Length != ascii.Length)
            return false;
        for (int i = 0; i < bytes.Length; i++)
        {
            if (ToUpper(bytes[i]) != ToUpper((byte)ascii[i]))
                return false;
        }
        return true;
    }

    /// <summary>True when the line's first token is one of <paramref name="tokens"/>, ignoring case (a known verb).</summary>
    public static bool FirstTokenIsOneOf(ReadOnlySpan<byte> line, ReadOnlySpan<string> tokens)
    {
        var first = NextToken(line, out _);
        foreach (var token in tokens)
        {
            if (EqualsIgnoreCase(first, token))
                return true;
        }
        return false;
    }

    public static bool StartsWithIgnoreCase(ReadOnlySpan<byte> bytes, string ascii) =>
        bytes.Length >= ascii.Length && EqualsIgnoreCase(bytes[..ascii.Length], ascii);

    public static bool ContainsIgnoreCase(ReadOnlySpan<byte> bytes, string ascii)
    {
        for (int i = 0; i + ascii.Length <= bytes.Length; i++)
        {
            if (EqualsIgnoreCase(bytes.Slice(i, ascii.Length), ascii))
                return true;
        }
        return false;
    }

    /// <summary>The token in upper case, for verbs and mechanism names (bounded: verbs are short).</summary>
    public static string Upper(ReadOnlySpan<byte> token, int maxChars = 32)
    {
        token = token[..Math.Min(token.Length, maxChars)];
        Span<char> text = token.Length <= 256 ? stackalloc char[token.Length] : new char[token.Length];
        for (int i = 0; i < token.Length; i++)
            text[i] = token[i] is >= 0x21 and < 0x7f ? (char)ToUpper(token[i]) : '?';
        return new string(text);
    }

    /// <summary>Parses a non-negative decimal that fits in a long; false on anything else (empty, sign, overflow).</summary>
    public static bool TryParseCount(ReadOnlySpan<byte> digits, out long value)
    {
        value = 0;
        if (digits.IsEmpty || digits.Length > 18)
            return false;
        foreach (byte b in digits)
        {
            if (b is < (byte)'0' or > (byte)'9')
                return false;
            value = value * 10 + (b - '0');
        }
        return true;
    }

    public static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';

    public static bool IsLetter(byte b) => (uint)((b | 0x20) - (byte)'a') <= 'z' - 'a';

    private static byte ToUpper(byte b) => b is >= (byte)'a' and <= (byte)'z' ? (byte)(b - 32) : b;
}
