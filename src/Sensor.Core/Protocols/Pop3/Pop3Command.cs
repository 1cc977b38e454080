using Sensor.Core.Protocols.Text;

namespace Sensor.Core.Protocols.Pop3;

/// <summary>What a pending response answers; MultiLine ones end with a "." line (RFC 1939 §3).</summary>
internal enum Pop3Command : byte
{
    Greeting, Capa, Stls, User, Pass, Apop, Auth, MultiLine, Other,
}

internal static class Pop3Verbs
{
    private static readonly string[] Known =
        ["USER", "PASS", "APOP", "AUTH", "STLS", "CAPA", "STAT", "LIST", "RETR", "DELE", "NOOP", "RSET", "QUIT", "TOP", "UIDL", "UTF8"];

    public static Pop3Command Classify(ReadOnlySpan<byte> verb, bool hasArguments)
    {
        if (Ascii.EqualsIgnoreCase(verb, "USER")) return Pop3Command.User;
        if (Ascii.EqualsIgnoreCase(verb, "PASS")) return Pop3Command.Pass;
        if (Ascii.EqualsIgnoreCase(verb, "APOP")) return Pop3Command.Apop;
        // RFC 5034 §4: AUTH with a mechanism starts an exchange; bare AUTH (RFC 1734 practice) lists mechanisms, multi-line.
        if (Ascii.EqualsIgnoreCase(verb, "AUTH")) return hasArguments ? Pop3Command.Auth : Pop3Command.MultiLine;
        if (Ascii.EqualsIgnoreCase(verb, "STLS")) return Pop3Command.Stls;
        if (Ascii.EqualsIgnoreCase(verb, "CAPA")) return Pop3Command.Capa;
        if (Ascii.EqualsIgnoreCase(verb, "RETR") || Ascii.EqualsIgnoreCase(verb, "TOP")) return Pop3Command.MultiLine;
        // RFC 1939 §5: LIST and UIDL with a message number answer on one line, without one as a list.
        if (Ascii.EqualsIgnoreCase(verb, "LIST") || Ascii.EqualsIgnoreCase(verb, "UIDL"))
            return hasArguments ? Pop3Command.Other : Pop3Command.MultiLine;
        return Pop3Command.Other;
    }

    public static bool LooksLikeCommand(ReadOnlySpan<byte> line) => Ascii.FirstTokenIsOneOf(line, Known);

    public static bool LooksLikeResponse(ReadOnlySpan<byte> line) =>
        Ascii.StartsWithIgnoreCase(line, "+OK") || Ascii.StartsWithIgnoreCase(line, "-ERR") || IsContinuation(line);

    /// <summary>RFC 5034 §4: a SASL challenge is "+" SP base64 (some servers send a bare "+").</summary>
    public static bool IsContinuation(ReadOnlySpan<byte> line) =>
        line.SequenceEqual("+"u8) || line.StartsWith("+ "u8);

    /// <summary>RFC 1939 §7: the APOP timestamp is the msg-id in angle brackets in the greeting.</summary>
    public static string? Timestamp(ReadOnlySpan<byte> greeting)
    {
        int open = greeting.IndexOf((byte)'<');
        if (open < 0)
            return null;
        int close = greeting[open..].IndexOf((byte)'>');
        return close < 0 ? null : WireText.Escape(greeting.Slice(open, close + 1), 512);
    }
}
