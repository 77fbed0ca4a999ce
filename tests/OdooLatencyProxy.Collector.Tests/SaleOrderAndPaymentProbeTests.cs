namespace OdooLatencyProxy.Tests.Collector;

public sealed class SaleOrderAndPaymentProbeTests(PostgresFixture postgres)
{
    [Theory]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(18)]
    public async Task Poll_OrdersConfirmedSinceLastPoll_TrackedChangePreferredElseDateOrder(int version)
    {
        var db = await OdooDatabase.CreateAsync(postgres.Server, version);
        var field = version >= 17 ? "field_id" : "field";
        await db.ExecuteAsync("INSERT INTO sale_order (name, state, create_date, date_order) VALUES ('S-old', 'sale', utcnow() - interval '1 day', date_trunc('second', utcnow()) - interval '30 seconds')");
        await using var harness = new CollectorHarness(db.CollectorConnectionString);
        var confirmation = harness.Collect<double>("odoo.sale_order.confirmation.duration");
        await harness.PollOkAsync("sale_order");
        Assert.Empty(confirmation.GetMeasurementSnapshot());

        // One statement batch: utcnow() is the same instant in every row, as in one Odoo transaction.
        await db.ExecuteAsync($"""
            INSERT INTO sale_order (id, name, state, create_date, date_order) VALUES
              (101, 'S101', 'sale', utcnow() - interval '1 hour', date_trunc('second', utcnow())),
              (102, 'S102', 'sale', date_trunc('second', utcnow()) - interval '120.25 seconds', date_trunc('second', utcnow())),
              (103, 'S103', 'draft', utcnow() - interval '1 hour', date_trunc('second', utcnow()));
            INSERT INTO mail_message (id, model, res_id, message_type, body, date) VALUES (5001, 'sale.order', 101, 'notification', '', date_trunc('second', utcnow()));
            INSERT INTO mail_tracking_value ({field}, mail_message_id, old_value_char, new_value_char, create_date)
              VALUES (900, 5001, 'Quotation', 'Sales Order', utcnow());
            """);
        await harness.PollOkAsync("sale_order");
        await harness.PollOkAsync("sale_order");

        Assert.Equal([120.25, 3600.0], confirmation.GetMeasurementSnapshot().Select(m => Math.Round(m.Value, 6)).Order());
    }

    [Fact]
    public async Task Poll_PaymentTransactions_FinalStatesCountedOnceByProviderOpenOnesAsGauges()
    {
        var db = await OdooDatabase.CreateAsync(postgres.Server, 17);
        await db.ExecuteAsync("""
            INSERT INTO payment_provider (id, code, name, stripe_secret_key) VALUES (1, 'stripe', '{"en_US": "Stripe"}', 'sk_live_secret'), (2, 'adyen', '{"en_US": "Adyen"}', NULL);
            INSERT INTO payment_transaction (id, reference, provider_id, state, last_state_change) VALUES (1, 'old', 1, 'done', utcnow() - interval '30 seconds');
            """);
        await using var harness = new CollectorHarness(db.CollectorConnectionString);
        var operations = harness.Collect<long>("odoo.integration.operations");
        var open = harness.Collect<long>("odoo.integration.payment.open_transactions");
        await harness.PollOkAsync("payment");
        Assert.Equal(0, operations.Sum());

        await db.ExecuteAsync("""
            INSERT INTO payment_transaction (id, reference, provider_id, state, last_state_change) VALUES
              (2, 'S1', 1, 'done', utcnow()), (3, 'S2', 1, 'done', utcnow()), (4, 'S3', 1, 'error', utcnow()),
              (5, 'S4', 2, 'cancel', utcnow()), (6, 'S5', 1, 'pending', utcnow()), (7, 'S6', 2, 'draft', utcnow());
            """);
        await harness.PollOkAsync("payment");
        await harness.PollOkAsync("payment");
        Assert.Equal(2, operations.Sum(("odoo.integration", "payment.stripe"), ("odoo.outcome", "ok")));
        Assert.Equal(1, operations.Sum(("odoo.integration", "payment.stripe"), ("odoo.outcome", "failed")));
        Assert.Equal(1, operations.Sum(("odoo.integration", "payment.adyen"), ("odoo.outcome", "cancelled")));
        Assert.Equal(4, operations.Sum());
        Assert.Equal(1, open.Gauge(("provider", "stripe"), ("state", "pending")));
        Assert.Equal(1, open.Gauge(("provider", "adyen"), ("state", "draft")));

        await db.ExecuteAsync("UPDATE payment_transaction SET state = 'done', last_state_change = utcnow() WHERE id = 6");
        await harness.PollOkAsync("payment");
        Assert.Equal(3, operations.Sum(("odoo.integration", "payment.stripe"), ("odoo.outcome", "ok")));
        Assert.Null(open.Gauge(("provider", "stripe"), ("state", "pending")));
    }
}
