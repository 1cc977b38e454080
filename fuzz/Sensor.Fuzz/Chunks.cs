namespace Sensor.Fuzz;

/// <summary>
/// The chunked stream format shared by the session-parser targets: a series of
/// [header][length][bytes], where header bit 0 is the direction (0 client, 1 server), header
/// bits 1-2 both set mean "a gap in that direction" (no bytes follow), and the length byte + 1
/// is the chunk's size. <see cref="Encode"/> writes the same format for the seed corpora.
/// </summary>
internal static class Chunks
{
    public const byte GapBits = 0x06;

    public enum Kind { Data, Gap }

    public readonly ref struct Chunk(Kind kind, bool server, ReadOnlySpan<byte> data)
    {
        public Kind Kind { get; } = kind;
        public bool Server { get; } = server;
        public ReadOnlySpan<byte> Data { get; } = data;
    }

    public static bool Next(ref FuzzInput input, out Chunk chunk)
    {
        chunk = default;
        if (input.IsEmpty)
            return false;
        var header = input.Byte();
        var server = (header & 1) != 0;
        if ((header & GapBits) == GapBits)
        {
            chunk = new Chunk(Kind.Gap, server, default);
            return true;
        }
        chunk = new Chunk(Kind.Data, server, input.Take(input.Byte() + 1));
        return true;
    }

    /// <summary>Appends one direction's bytes in chunks of at most 256.</summary>
    public static void Encode(Stream output, bool server, ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            var part = data[..Math.Min(256, data.Length)];
            output.WriteByte(server ? (byte)1 : (byte)0);
            output.WriteByte((byte)(part.Length - 1));
            output.Write(part);
            data = data[part.Length..];
        }
    }
}
