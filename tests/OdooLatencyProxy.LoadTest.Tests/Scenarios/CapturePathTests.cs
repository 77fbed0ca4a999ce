using System.Text.Json;
using OdooLatencyProxy.LoadTest.Scenarios;

namespace OdooLatencyProxy.LoadTest.Tests.Scenarios;

public sealed class CapturePathTests
{
    private static JsonElement Answer(string json) => JsonDocument.Parse(json).RootElement;

    [Theory]
    [InlineData("""{"result": [{"id": 42, "name": "S00042"}]}""", "result[0].id", "42")]
    [InlineData("""{"result": {"type": "ir.actions.act_window", "res_id": 7}}""", "result.res_id", "7")]
    [InlineData("""{"result": 12}""", "result", "12")]
    [InlineData("""{"result": [{"invoice_ids": [3, 5, 9]}]}""", "result[0].invoice_ids[-1]", "9")]
    [InlineData("""{"result": {"server_version_info": [17, 0, 0, "final", 0, ""]}}""", "result.server_version_info[0]", "17")]
    public void Path_ReadsTheValueFromAnOdooAnswer(string json, string path, string expected)
    {
        Assert.True(CapturePath.Parse(path).TryRead(Answer(json), out var value, out var error), error);
        Assert.Equal(expected, value.Text);
        Assert.Equal(JsonValueKind.Number, value.Kind);
    }

    [Theory]
    [InlineData("""{"result": []}""", "result[0].id", "has 0 item(s), no [0]")]
    [InlineData("""{"error": {"message": "Odoo Server Error"}}""", "result[0].id", "no 'result' in the answer")]
    [InlineData("""{"result": false}""", "result.res_id", "no 'res_id' in result")]
    [InlineData("""{"result": [{"id": 1, "partner_id": false}]}""", "result[0].partner_id", "result[0].partner_id is false")]
    public void MissingOrFalseValue_FailsWithAReasonThatSaysWhere(string json, string path, string reason)
    {
        Assert.False(CapturePath.Parse(path).TryRead(Answer(json), out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("result[x]")]
    [InlineData("result..id")]
    [InlineData("result[0")]
    public void MalformedPath_IsRejectedWhenTheScenarioLoads(string path)
    {
        Assert.Throws<FormatException>(() => CapturePath.Parse(path));
    }
}
