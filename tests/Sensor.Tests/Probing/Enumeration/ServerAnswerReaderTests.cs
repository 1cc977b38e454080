using Sensor.Core.Probing.Enumeration;

namespace Sensor.Tests.Probing.Enumeration;

public class ServerAnswerReaderTests
{
    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    private static readonly string Random = new('5', 64);

    /// <summary>ServerHello body: version, random, empty session id, suite, null compression, optional extensions.</summary>
    private static string ServerHelloBody(string version, string suite, string extensions = "") =>
        version + Random + "00" + suite + "00" + (extensions.Length == 0 ? "" : (extensions.Length / 2).ToString("x4") + extensions);

    private static string Handshake(string body) => "02" + (body.Length / 2).ToString("x6") + body;

    private static string Record(string type, string payload) => type + "0303" + (payload.Length / 2).ToString("x4") + payload;

    [Fact]
    public void Tls12ServerHelloGivesVersionAndSuite()
    {
        var answer = ServerAnswerReader.Read(Hex(Record("16", Handshake(ServerHelloBody("0303", "c02f", "ff01000100")))));
        Assert.Equal(new HelloAnswer(AnswerKind.ServerHello, "TLSv1.2", 0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"), answer);
    }

    [Fact]
    public void Tls13IsReadFromSupportedVersions()
    {
        var answer = ServerAnswerReader.Read(Hex(Record("16", Handshake(ServerHelloBody("0303", "1302", "002b00020304")))));
        Assert.Equal(AnswerKind.ServerHello, answer.Kind);
        Assert.Equal("TLSv1.3", answer.Version);
        Assert.Equal("TLS_AES_256_GCM_SHA384", answer.SuiteName);
    }

    [Fact]
    public void AServerHelloSplitOverTwoRecordsIsJoined()
    {
        var message = Handshake(ServerHelloBody("0301", "c013"));
        var answer = ServerAnswerReader.Read(Hex(Record("16", message[..20]) + Record("16", message[20..])));
        Assert.Equal(("TLSv1.0", (ushort)0xC013), (answer.Version, answer.Suite));
    }

    [Fact]
    public void PartialInputNeedsMore()
    {
        var whole = Hex(Record("16", Handshake(ServerHelloBody("0303", "c02f"))));
        for (var n = 0; n < whole.Length; n++)
            Assert.Equal(AnswerKind.NeedMore, ServerAnswerReader.Read(whole.AsSpan(0, n)).Kind);
    }

    [Theory]
    [InlineData("15030300020228", "fatal handshake_failure")]
    [InlineData("15030000020246", "fatal protocol_version")]
    [InlineData("1503010002012f", "warning illegal_parameter")]
    public void AlertsAreNamed(string hex, string detail) =>
        Assert.Equal(new HelloAnswer(AnswerKind.Alert, Detail: detail), ServerAnswerReader.Read(Hex(hex)));

    [Theory]
    [InlineData("3535342035...", "not a TLS record: starts with 3535342035")]
    [InlineData("16030300000000", "an empty TLS record")]
    [InlineData("1603ffff", null)]
    [InlineData("1603034801", "a TLS record of 18433 bytes, above the 18432-byte limit")]
    [InlineData("160303ffff", "a TLS record of 65535 bytes, above the 18432-byte limit")]
    [InlineData("1703030005", "not a TLS record: starts with 1703030005")]
    [InlineData("160303000b0b00000700000000000000", "the first handshake message is type 11, not a ServerHello")]
    [InlineData("160303000402ffffff", "a ServerHello of 16777215 bytes")]
    public void GarbageIsSaidAtOnce(string hex, string? detail)
    {
        var bytes = hex.EndsWith("...") ? System.Text.Encoding.ASCII.GetBytes("554 5.7.0 no\r\n") : Hex(hex);
        var answer = ServerAnswerReader.Read(bytes);
        if (detail is null)
        {
            Assert.Equal(AnswerKind.NeedMore, answer.Kind); // 4 bytes: not yet a header
            return;
        }
        Assert.Equal(AnswerKind.Garbage, answer.Kind);
        Assert.StartsWith(detail, answer.Detail);
    }

    [Fact]
    public void TextAnswersAreShownAsText() =>
        Assert.Equal("not a TLS record: starts with 35353420352e372e (\"554 5.7.0 no\")",
            ServerAnswerReader.Read("554 5.7.0 no\r\n"u8).Detail);

    [Fact]
    public void AServerHelloChoosingAnUnknownVersionIsGarbage() =>
        Assert.Equal("a ServerHello choosing version 0x0000", ServerAnswerReader.Read(Hex(Record("16", Handshake(ServerHelloBody("0000", "0000"))))).Detail);

    [Fact]
    public void AMalformedServerHelloIsGarbage() =>
        Assert.Equal(new HelloAnswer(AnswerKind.Garbage, Detail: "a malformed ServerHello"), ServerAnswerReader.Read(Hex(Record("16", Handshake("0303" + Random[..20])))));
}
