internal import Foundation
internal import HTTPServer

/// `/v1/imports…`: member lists sent as CSV, imported in the background, and what came of them.
struct ImportRoutes: Sendable {
    let service: ImportService
    /// The largest file `POST /v1/imports` takes (`imports.max_body_bytes`).
    let maxBodyBytes: Int

    static let representation = Representation<ImportJob>([
        .integer("id") { $0.id },
        .text("status") { $0.status.rawValue },
        .text("failure") { $0.failure },
        .integer("organization_id") { $0.organizationID },
        .integer("bytes_total") { $0.bytesTotal },
        .integer("bytes_done") { $0.bytesDone },
        .integer("rows_total") { $0.rowsTotal },
        .integer("rows_done") { $0.rowsDone },
        .integer("accepted") { $0.accepted },
        .integer("rejected") { $0.rejected },
        .integer("duplicates") { $0.duplicates },
        .integer("warnings") { $0.warnings },
        .text("created_at") { $0.createdAt },
        .text("started_at") { $0.startedAt },
        .text("finished_at") { $0.finishedAt },
        .text("updated_at") { $0.updatedAt },
    ])
    static let listing = Listing(representation: representation, position: \.id)

    static let errorRepresentation = Representation<ImportError>([
        .integer("row") { $0.rowNumber },
        .integer("line") { $0.line },
        .text("field") { $0.field },
        .text("code") { $0.code },
        .text("message") { $0.message },
    ])
    static let errorListing = Listing(representation: errorRepresentation, position: \.id)

    func register(on router: inout APIRouter) {
        router.add(
            .post, "/v1/imports", roles: .personalData, personalData: true, readsQuery: true, maxBodyBytes: maxBodyBytes,
            spoolsBody: true
        ) { request, context in
            var query = try QueryInput(request)
            let organization = query.id("organization_id", of: "an organization")
            try query.finish()
            if let type = request.headers["Content-Type"], !Self.isCSV(type) {
                throw AppError.unsupportedMediaType(offered: "text/csv")
            }
            guard let body = request.spooledBody else { throw AppError.invalid([ImportService.emptyFile]) }
            let job = try await service.create(file: body.path, byteCount: body.byteCount, organizationID: organization, context)
            var response = Self.response(job, for: context, status: .accepted)
            response.headers.add("Location", "/v1/imports/\(job.id)")
            return response
        }

        router.add(.get, "/v1/imports", roles: .personalData, personalData: true, formats: [.json, .csv]) { request, context in
            var query = try QueryInput(request)
            let page = query.page()
            let status = query.choice("status", ImportJob.Status.self)
            try query.finish()
            return try await Self.listing.response(page: page, context: context, name: "imports") { page in
                try await service.list(status: status, page: page, context)
            }
        }

        router.add(.get, "/v1/imports/{id}", roles: .personalData, personalData: true) { request, context in
            guard let id = request.parameters["id"].flatMap(Int64.init), let job = try await service.find(id, context) else {
                throw AppError.notFound
            }
            return Self.response(job, for: context, status: .ok)
        }

        router.add(.get, "/v1/imports/{id}/errors", roles: .personalData, personalData: true, formats: [.json, .csv]) { request, context in
            guard let id = request.parameters["id"].flatMap(Int64.init) else { throw AppError.notFound }
            var query = try QueryInput(request)
            let page = query.page()
            try query.finish()
            return try await Self.errorListing.nestedResponse(page: page, context: context, name: "import-\(id)-errors") { batch in
                try await service.errors(of: id, page: batch, context)
            }
        }
    }

    /// `text/csv`, with any parameters (`; charset=utf-8`).
    static func isCSV(_ contentType: String) -> Bool {
        let type = contentType.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        return type == "text/csv"
    }

    static func response(_ job: ImportJob, for context: RequestContext, status: HTTPStatus) -> Response {
        var json = JSONWriter()
        representation.write(job, for: context.principal, into: &json)
        var response = Response.json(json.bytes, status: status)
        response.headers.add("ETag", job.etag)
        return response
    }
}
