using System.Formats.Asn1;
using System.Text;
using System.Security.Cryptography.X509Certificates;
using Sensor.Core.Probing.Trust;

namespace Sensor.Tests.Probing.Trust;

public class CertificateNamesTests
{
    private static byte[] Name(UniversalTagNumber encoding, string commonName, string organisation = "Sensor Test")
    {
        var builder = new X500DistinguishedNameBuilder();
        builder.Add("2.5.4.10", organisation, encoding);
        builder.Add("2.5.4.3", commonName, encoding);
        return builder.Build().RawData;
    }

    [Fact]
    public void OneNameInTwoEncodingsAndCasesHasOneKey()
    {
        var printable = CertificateNames.Key(Name(UniversalTagNumber.PrintableString, "Sensor Test Root"));
        var utf8 = CertificateNames.Key(Name(UniversalTagNumber.UTF8String, "  sensor   TEST root ", "SENSOR test"));
        Assert.Equal("2.5.4.3=sensor test root/+2.5.4.10=sensor test/+", printable); // the builder writes the last added first
        Assert.Equal(printable, utf8);
    }

    [Fact]
    public void DifferentNamesOrOrderHaveDifferentKeys()
    {
        var root = CertificateNames.Key(Name(UniversalTagNumber.UTF8String, "Sensor Test Root"));
        Assert.NotEqual(root, CertificateNames.Key(Name(UniversalTagNumber.UTF8String, "Sensor Test Root 2")));
        var swapped = new X500DistinguishedNameBuilder();
        swapped.AddCommonName("Sensor Test Root");
        swapped.AddOrganizationName("Sensor Test");
        Assert.NotEqual(root, CertificateNames.Key(swapped.Build().RawData));
    }

    [Fact]
    public void IssuerAndSubjectComeFromTheCertificateDer()
    {
        using var chain = new OpensslTestChain("names.signed.test");
        using var leaf = chain.Load(chain.LeafPem);
        var (issuer, subject) = CertificateNames.IssuerAndSubject(leaf.RawData)!.Value;
        Assert.Equal(leaf.IssuerName.RawData, issuer.ToArray());
        Assert.Equal(leaf.SubjectName.RawData, subject.ToArray());
        Assert.Equal("2.5.4.3=sensor test intermediate/+", CertificateNames.Key(issuer));
    }

    [Fact]
    public void UniversalStringIsReadAsUcs4AndKeysAsTheSameNameInUtf8()
    {
        // found by fuzzing (fuzz/README.md, certnames): AsnReader cannot read a UniversalString itself, and threw
        static byte[] CommonName(byte[] ucs4)
        {
            var writer = new AsnWriter(AsnEncodingRules.DER);
            using (writer.PushSequence())
            using (writer.PushSetOf())
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier("2.5.4.3");
                writer.WriteEncodedValue([0x1c, (byte)ucs4.Length, .. ucs4]); // UniversalString: AsnWriter will not write one
            }
            return writer.Encode();
        }
        var builder = new X500DistinguishedNameBuilder();
        builder.AddCommonName("sensor test root");
        Assert.Equal(CertificateNames.Key(builder.Build().RawData), CertificateNames.Key(CommonName(new UTF32Encoding(true, false).GetBytes("Sensor Test Root"))));
        // not whole UCS-4 characters: keyed by its bytes
        Assert.Equal("2.5.4.3=#1c03000041/+", CertificateNames.Key(CommonName([0x00, 0x00, 0x41])));
    }

    [Fact]
    public void BytesThatAreNoCertificateOrNameAreNotReadAsOne()
    {
        Assert.Null(CertificateNames.IssuerAndSubject(new byte[] { 0x30, 0x03, 0x02, 0x01 }));
        Assert.Equal("#0401ff", CertificateNames.Key(new byte[] { 0x04, 0x01, 0xff }));
    }
}
