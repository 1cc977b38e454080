using Sensor.Core.Probing.Enumeration;
using Sensor.Core.Protocols;
using Sensor.Core.Protocols.Tls;
using Sensor.Core.Reassembly;

namespace Sensor.Tests.Probing.Enumeration;

public class ClientHelloBuilderTests
{
    private static byte[] Fill(byte value) => Enumerable.Repeat(value, 32).ToArray();

    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "").Replace("|", ""));

    [Fact]
    public void Sslv3HelloHasNoExtensionsAndAnSslv3Record()
    {
        var random = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var hello = ClientHelloBuilder.Build(new ClientHelloSpec(0x0300, [], [0x002F], null), random, Fill(0));
        var expected = Hex("16 0300 002f | 01 00002b | 0300 | " + Convert.ToHexString(random) + " | 00 | 0004 002f 00ff | 01 00");
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(hello));
    }

    [Fact]
    public void Tls13HelloCarriesSniGroupsPointFormatsSignaturesVersionsAndKeyShare()
    {
        var hello = ClientHelloBuilder.Build(new ClientHelloSpec(0x0303, [0x0304], [0x1301], "a.b."), Fill(0x11), Fill(0x22));
        var extensions =
            "0000 0008 0006 00 0003 612e62" // server_name: host_name "a.b" (trailing dot dropped)
            + "000a 000e 000c 001d 0017 0018 0019 0100 0101" // supported_groups
            + "000b 0002 01 00" // ec_point_formats: uncompressed
            + "000d 001a 0018 0403 0503 0603 0807 0804 0805 0806 0401 0501 0601 0203 0201" // signature_algorithms
            + "002b 0003 02 0304" // supported_versions: TLS 1.3 only
            + "0033 0026 0024 001d 0020" + Convert.ToHexString(Fill(0x22)); // key_share: x25519
        var expected = Hex("16 0301 00a4 | 01 0000a0 | 0303 | " + Convert.ToHexString(Fill(0x11)) + " | 00 | 0004 1301 00ff | 01 00 | 0073 | " + extensions);
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(hello));
    }

    [Fact]
    public void ThePassiveDecoderReadsWhatTheBuilderWrites()
    {
        var hello = ClientHelloBuilder.Build(CipherClasses.ForVersion(ClientHelloBuilder.Tls13, "mail.example.test"), Fill(1), Fill(2));
        var events = new MailEventList();
        new TlsHandshakeDecoder(Direction.ClientToServer).Decode(1, hello.AsSpan(9), events);
        var decoded = Assert.IsType<TlsClientHelloEvent>(Assert.Single(events));
        Assert.Equal("mail.example.test", decoded.ServerNameIndication);
        Assert.Equal(["TLSv1.3"], decoded.OfferedVersions);
        Assert.Equal([0x1301, 0x1302, 0x1303, 0x00FF], decoded.CipherSuites);
    }

    [Fact]
    public void EachClassOffersOnlyItsOwnSuitesAtTls12()
    {
        foreach (var cipherClass in CipherClasses.All)
        {
            var spec = CipherClasses.ForClass(cipherClass, null);
            Assert.Equal(ClientHelloBuilder.Tls12, spec.LegacyVersion);
            Assert.Empty(spec.SupportedVersions);
            var names = spec.Suites.Select(TlsCipherSuites.Name).ToList();
            Assert.All(names, n => Assert.StartsWith("TLS_", n)); // every code point is a named suite
            Assert.All(names, n => Assert.Equal(cipherClass.Name == CipherClasses.Anon, n.Contains("_anon_")));
        }
        Assert.All(CipherClasses.All.Single(c => c.Name == CipherClasses.Export).Suites.Select(TlsCipherSuites.Name), n => Assert.Contains("EXPORT", n));
        Assert.All(CipherClasses.All.Single(c => c.Name == CipherClasses.Rc4).Suites.Select(TlsCipherSuites.Name), n => Assert.Contains("RC4_128", n));
        Assert.All(CipherClasses.All.Single(c => c.Name == CipherClasses.Null).Suites.Select(TlsCipherSuites.Name), n => Assert.Contains("WITH_NULL", n));
    }

    [Fact]
    public void ANameGetsSniAndAnAddressDoesNot()
    {
        var withName = ClientHelloBuilder.Build(CipherClasses.ForVersion(ClientHelloBuilder.Tls12, "mx.example.org"), Fill(0), Fill(0));
        var withoutName = ClientHelloBuilder.Build(CipherClasses.ForVersion(ClientHelloBuilder.Tls12, null), Fill(0), Fill(0));
        Assert.Equal("mx.example.org".Length + 9, withName.Length - withoutName.Length);
    }
}
