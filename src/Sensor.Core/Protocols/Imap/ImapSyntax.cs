using Sensor.Core.Protocols.Text;

namespace Sensor.Core.Protocols.Imap;

internal enum LiteralMarker : byte { None, Literal, Bad }

/// <summary>IMAP lexical rules (RFC 3501 §4, RFC 9051 §4): literals, quoted strings, atoms.</summary>
internal static class ImapSyntax
{
    private static readonly string[] Verbs =
    [
        "CAPABILITY", "NOOP", "LOGOUT", "STARTTLS", "AUTHENTICATE", "LOGIN", "SELECT", "EXAMINE", "CREATE", "DELETE",
        "RENAME", "SUBSCRIBE", "UNSUBSCRIBE", "LIST", "LSUB", "STATUS", "APPEND", "CHECK", "CLOSE", "EXPUNGE", "SEARCH",
        "FETCH", "STORE", "COPY", "MOVE", "UID", "IDLE", "ENABLE", "ID", "NAMESPACE", "UNSELECT", "GETQUOTAROOT",
    ];

    /// <summary>
    /// A literal announced at the end of a line: "{N}" (RFC 3501 §4.3, the sender waits for "+"),
    /// "{N+}" (RFC 7888 non-synchronizing) or "~{N}" (RFC 3516 literal8). Content is the line before it.
    /// </summary>
    public static LiteralMarker LiteralAtEnd(ReadOnlySpan<byte> line, out long count, out bool nonSync, out int markerStart)
    {
        count = 0;
        nonSync = false;
        markerStart = line.Length;
        if (line.IsEmpty || line[^1] != (byte)'}')
            return LiteralMarker.None;
        int open = line.LastIndexOf((byte)'{');
        if (open < 0)
            return LiteralMarker.None;
        var digits = line[(open + 1)..^1];
        nonSync = digits.Length > 0 && digits[^1] == (byte)'+';
        if (nonSync)
            digits = digits[..^1];
        markerStart = open > 0 && line[open - 1] == (byte)'~' ? open - 1 : open;
        return Ascii.TryParseCount(digits, out count) ? LiteralMarker.Literal : LiteralMarker.Bad;
    }

    /// <summary>Adds the atoms and quoted strings of <paramref name="text"/> to <paramref name="args"/>; quoted strings lose their \" and \\ escapes (RFC 3501 §9 "quoted-specials").</summary>
    public static void Tokenize(ReadOnlySpan<byte> text, List<byte[]?> args)
    {
        while (true)
        {
            text = text.TrimStart((byte)' ');
            if (text.IsEmpty)
                return;
            if (text[0] == (byte)'"')
                args.Add(Quoted(ref text));
            else
                args.Add(Ascii.NextToken(text, out text).ToArray());
        }
    }

    private static byte[] Quoted(ref ReadOnlySpan<byte> text)
    {
        var value = new List<byte>(text.Length);
        int i = 1;
        while (i < text.Length)
        {
            byte b = text[i++];
            if (b == (byte)'"')
                break;
            if (b == (byte)'\\' && i < text.Length)
                b = text[i++];
            value.Add(b);
        }
        text = text[i..];
        return value.ToArray();
    }

    /// <summary>A client line that plainly starts a command: tag SP known-verb.</summary>
    public static bool LooksLikeCommand(ReadOnlySpan<byte> line)
    {
        var tag = Ascii.NextToken(line, out var rest);
        if (tag.IsEmpty || tag.IndexOfAny("(){%*\"\\"u8) >= 0)
            return false;
        return IsKnownVerb(Ascii.NextToken(rest, out _));
    }

    /// <summary>
    /// A client's first line has the shape of a command (RFC 3501 §9: tag SP command, the command an
    /// atom that starts with a letter), whatever the verb: extensions add verbs. An HTTP request line
    /// ("POST / HTTP/1.1") does not.
    /// </summary>
    public static bool OpensCommand(ReadOnlySpan<byte> line)
    {
        var tag = Ascii.NextToken(line, out var rest);
        if (tag.IsEmpty || tag.IndexOfAny("(){%*\"+\\"u8) >= 0)
            return false;
        var verb = Ascii.NextToken(rest, out _);
        return !verb.IsEmpty && Ascii.IsLetter(verb[0]) && verb.IndexOfAnyExcept(AtomVerbBytes) < 0;
    }

    private static readonly System.Buffers.SearchValues<byte> AtomVerbBytes =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._"u8);

    /// <summary>A verb of RFC 3501/9051 or of the extensions Sensor knows.</summary>
    public static bool IsKnownVerb(ReadOnlySpan<byte> verb)
    {
        foreach (var known in Verbs)
        {
            if (Ascii.EqualsIgnoreCase(verb, known))
                return true;
        }
        return false;
    }

    /// <summary>A server line that plainly starts a response: "* ", "+", or tag SP OK/NO/BAD.</summary>
    public static bool LooksLikeResponse(ReadOnlySpan<byte> line)
    {
        if (line.StartsWith("* "u8) || line.StartsWith("+ "u8) || line.SequenceEqual("+"u8))
            return true;
        Ascii.NextToken(line, out var rest);
        return IsStatus(Ascii.NextToken(rest, out _));
    }

    public static bool IsStatus(ReadOnlySpan<byte> word) =>
        Ascii.EqualsIgnoreCase(word, "OK") || Ascii.EqualsIgnoreCase(word, "NO") || Ascii.EqualsIgnoreCase(word, "BAD");

    /// <summary>The atoms of a "[CAPABILITY ...]" response code (RFC 3501 §7.1), or null when there is none.</summary>
    public static IReadOnlyList<string>? CapabilityCode(ReadOnlySpan<byte> text)
    {
        if (!text.StartsWith("["u8))
            return null;
        int close = text.IndexOf((byte)']');
        var code = text[1..(close < 0 ? text.Length : close)];
        var name = Ascii.NextToken(code, out var atoms);
        return Ascii.EqualsIgnoreCase(name, "CAPABILITY") ? Atoms(atoms) : null;
    }

    /// <summary>Counted first, so the list is made once at its size (capability lists are long and frequent).</summary>
    public static IReadOnlyList<string> Atoms(ReadOnlySpan<byte> text)
    {
        var atoms = new string[CountAtoms(text)];
        for (int i = 0; i < atoms.Length;)
        {
            var atom = Ascii.NextToken(text, out text);
            if (!atom.IsEmpty)
                atoms[i++] = WireText.Escape(atom);
        }
        return atoms;
    }

    private static int CountAtoms(ReadOnlySpan<byte> text)
    {
        int count = 0;
        while (!text.IsEmpty)
            if (!Ascii.NextToken(text, out text).IsEmpty)
                count++;
        return count;
    }
}
