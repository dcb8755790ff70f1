internal import HTTPServer

/// `GET /v1/invoices/{id}` and `POST /v1/invoices/{id}/payments`: a funder's invoice for one
/// period of a scheme. A partner reads the invoices addressed to its organization tree.
struct InvoiceRoutes: Sendable {
    let service: SchemeService

    func register(on router: inout APIRouter) {
        router.add(.get, "/v1/invoices/{id}", roles: .personalData) { request, context in
            guard let id = SchemeRoutes.id(request), let (invoice, payments) = try await service.invoice(id, context) else {
                throw AppError.notFound
            }
            return Self.response(invoice, payments: payments, status: .ok)
        }

        router.add(.post, "/v1/invoices/{id}/payments", roles: .staff, maxBodyBytes: 4 * 1024) { request, context in
            guard let id = SchemeRoutes.id(request) else { throw AppError.notFound }
            var input = try JSONInput(request)
            let payment = NewPayment(&input, forMember: false)
            let (recorded, invoice, created) = try await service.pay(payment, invoiceID: id, context)
            var json = JSONWriter()
            json.beginObject()
            Self.write(recorded, into: &json)
            json.key("invoice")
            Self.write(invoice, into: &json)
            json.endObject()
            var response = Response.json(json.bytes, status: created ? .created : .ok)
            response.headers.add("Location", "/v1/invoices/\(id)")
            return response
        }
    }

    static func write(_ invoice: Invoice, into json: inout JSONWriter) {
        json.beginObject()
        writeFields(of: invoice, into: &json)
        json.endObject()
    }

    static func writeFields(of invoice: Invoice, into json: inout JSONWriter) {
        json.field("id", Int(invoice.id))
        json.field("billing_run_id", Int(invoice.billingRunID))
        json.field("scheme_id", Int(invoice.schemeID))
        json.field("period", invoice.period)
        json.field("organization_id", Int(invoice.organizationID))
        json.field("lines", Int(invoice.lines))
        json.field("total_idr", Int(invoice.totalIDR))
        json.field("paid_idr", Int(invoice.paidIDR))
        json.field("outstanding_idr", Int(invoice.outstandingIDR))
        json.field("status", invoice.status)
        json.field("created_at", invoice.createdAt)
        json.field("updated_at", invoice.updatedAt)
    }

    static func write(_ payment: InvoicePayment, into json: inout JSONWriter) {
        json.field("id", Int(payment.id))
        json.field("invoice_id", Int(payment.invoiceID))
        json.field("amount_idr", Int(payment.amountIDR))
        json.field("paid_on", payment.paidOn)
        json.field("reference", payment.reference)
        json.field("created_at", payment.createdAt)
    }

    static func response(_ invoice: Invoice, payments: [InvoicePayment], status: HTTPStatus) -> Response {
        var json = JSONWriter()
        json.beginObject()
        writeFields(of: invoice, into: &json)
        json.key("payments")
        json.beginArray()
        for payment in payments {
            json.beginObject()
            write(payment, into: &json)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        var response = Response.json(json.bytes, status: status)
        response.headers.add("ETag", invoice.etag)
        return response
    }
}
