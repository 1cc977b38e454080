using Sensor.Core.Decoding;

namespace Sensor.Tests.Decoding;

/// <summary>The Community ID v1 spec's published baseline (corelight/community-id-spec, baseline/README.md).</summary>
public class CommunityIdTests
{
    private static Endpoint At(string address, ushort port) => new(NetAddress.FromIPAddress(System.Net.IPAddress.Parse(address)), port);

    [Theory]
    [InlineData("1.2.3.4", 1122, "5.6.7.8", 3344, (byte)6, (ushort)0, "1:wCb3OG7yAFWelaUydu0D+125CLM=")]
    [InlineData("5.6.7.8", 3344, "1.2.3.4", 1122, (byte)6, (ushort)0, "1:wCb3OG7yAFWelaUydu0D+125CLM=")]
    [InlineData("1.2.3.4", 1122, "5.6.7.8", 3344, (byte)6, (ushort)1, "1:HhA1B+6CoLbiKPEs5nhNYN4XWfk=")]
    [InlineData("5.6.7.8", 3344, "1.2.3.4", 1122, (byte)6, (ushort)1, "1:HhA1B+6CoLbiKPEs5nhNYN4XWfk=")]
    [InlineData("1.2.3.4", 1122, "5.6.7.8", 3344, (byte)17, (ushort)0, "1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg=")]
    [InlineData("5.6.7.8", 3344, "1.2.3.4", 1122, (byte)132, (ushort)0, "1:EKt4MsxuyaE6mL+hmrEkQ9csDD8=")]
    [InlineData("1.2.3.4", 1122, "5.6.7.8", 3344, (byte)132, (ushort)1, "1:uitchpn5MMGAQKBJh7bIr/bAr7s=")]
    public void SpecBaseline_WithPorts(string src, ushort srcPort, string dst, ushort dstPort, byte protocol, ushort seed, string expected) =>
        Assert.Equal(expected, CommunityId.Compute(At(src, srcPort), At(dst, dstPort), protocol, seed));

    /// <summary>The spec's port-less rows (RSVP) are its only IPv6 rows that do not hinge on ICMP type mapping: they check IPv6 ordering.</summary>
    [Theory]
    [InlineData("1.2.3.4", "5.6.7.8", (ushort)0, "1:ikv3kmf89luf73WPz1jOs49S768=")]
    [InlineData("5.6.7.8", "1.2.3.4", (ushort)0, "1:ikv3kmf89luf73WPz1jOs49S768=")]
    [InlineData("fe80:1:203:405:607:809:a0b:c0d", "fe80:1011:1213:1415:1617:1819:1a1b:1c1d", (ushort)0, "1:wQ/2mwrnXP4lmJcHdGL5ePjR+e0=")]
    [InlineData("fe80:1011:1213:1415:1617:1819:1a1b:1c1d", "fe80:1:203:405:607:809:a0b:c0d", (ushort)0, "1:wQ/2mwrnXP4lmJcHdGL5ePjR+e0=")]
    [InlineData("fe80:1:203:405:607:809:a0b:c0d", "fe80:1011:1213:1415:1617:1819:1a1b:1c1d", (ushort)1, "1:j6EyyfBzL4vWKHFXgUqb5Az3OxM=")]
    public void SpecBaseline_WithoutPorts(string src, string dst, ushort seed, string expected) =>
        Assert.Equal(expected, CommunityId.Compute(At(src, 0), At(dst, 0), 46, seed, hasPorts: false));

    [Fact]
    public void Tcp_IsSeedZero_AndTheSameBothWays()
    {
        Assert.Equal("1:wCb3OG7yAFWelaUydu0D+125CLM=", CommunityId.ForTcp(At("1.2.3.4", 1122), At("5.6.7.8", 3344)));
        Assert.Equal(CommunityId.ForTcp(At("::1", 40000), At("::1", 25)), CommunityId.ForTcp(At("::1", 25), At("::1", 40000)));
        Assert.NotEqual(CommunityId.ForTcp(At("::1", 40000), At("::1", 25)), CommunityId.ForTcp(At("::1", 40001), At("::1", 25)));
    }
}
