// The generated Kotlin bindings, compiled with kotlinc and run on the JVM against libinkan
// through JNA (scripts/test). The same scenarios as bindings/python/tests.

import java.io.File
import java.math.BigInteger
import java.security.KeyPair
import java.security.KeyPairGenerator
import java.security.Signature
import java.security.interfaces.ECPublicKey
import java.security.spec.ECGenParameterSpec
import java.util.Base64
import java.util.concurrent.CyclicBarrier
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import kotlin.system.exitProcess
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue
import org.inkan.*
import org.junit.Test
import org.junit.runner.JUnitCore

/** Before the vector's exp (1800000000) and after its iat (1700000000). */
const val NOW = 1_767_225_600L

fun b64url(bytes: ByteArray): String = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)

/** A field of the spec vector (flat string search: the JDK has no JSON parser). */
fun vectorField(json: String, name: String): String =
    Regex("\"$name\"\\s*:\\s*\"([^\"]*)\"").find(json)?.groupValues?.get(1) ?: error("no $name in vector")

/** The 32-byte big-endian form of a coordinate (BigInteger drops or adds a leading byte). */
fun coordinate(value: BigInteger): ByteArray {
    val bytes = value.toByteArray().dropWhile { it == 0.toByte() }.toByteArray()
    return ByteArray(32 - bytes.size) + bytes
}

/**
 * A platform-keystore stand-in: the private key lives in java.security (as it would in Android
 * Keystore), never in Rust, and signatures come back DER-encoded (SHA256withECDSA).
 */
open class JavaSecuritySigner : ForeignSigner {
    val pair: KeyPair = KeyPairGenerator.getInstance("EC").apply { initialize(ECGenParameterSpec("secp256r1")) }.generateKeyPair()
    @Volatile var calls = 0

    fun publicJwk(): String {
        val point = (pair.public as ECPublicKey).w
        return """{"kty":"EC","crv":"P-256","x":"${b64url(coordinate(point.affineX))}","y":"${b64url(coordinate(point.affineY))}"}"""
    }

    override fun sign(message: ByteArray): ByteArray {
        calls++
        return Signature.getInstance("SHA256withECDSA").run {
            initSign(pair.private)
            update(message)
            sign()
        }
    }
}

fun foreignKey(signer: JavaSecuritySigner): SigningKey =
    SigningKey.foreign(SignatureAlgorithm.ES256, signer.publicJwk(), "kt-keystore-1", SignatureEncoding.DER, signer)

class InkanTest {
    private val root = File(System.getProperty("inkan.root") ?: "../..")
    private val vector = File(root, "test-vectors/vectors/claim169/valid/ed25519-signed.json").readText()
    private val png = File(root, "bindings/tests/fixtures/claim169-ed25519-signed.png").readBytes()

    private fun vectorVerifier(): Verifier {
        val public = BigInteger(vectorField(vector, "public_key_hex"), 16).toByteArray().takeLast(32).toByteArray()
        val jwk = """{"kty":"OKP","crv":"Ed25519","x":"${b64url(public)}"}"""
        return Verifier(jwk, VerifierOptions(nowUnix = NOW))
    }

    @Test
    fun verifiesAClaim169QrFromAPngFile() {
        val report = vectorVerifier().verify(png)
        assertEquals(ReportVerdict.VALID, report.verdict, report.reportJson)
        assertEquals("claim169", report.format)
        assertEquals(ReportSource.QrImage(0uL, 1uL), report.source)
        assertEquals("https://mosip.example.org", report.issuer)
        assertTrue(report.claimsJson.contains("\"fullName\":\"Signed Test Person\""), report.claimsJson)
        assertEquals(CheckOutcome.Passed, report.checks.first { it.check == "signature" }.outcome)
    }

    @Test
    fun decodeErrorsSurfaceAsExceptionsWithCodes() {
        val e1 = assertFailsWith<InkanException.Claim169> { claim169Decode("not base45!", null) }
        assertEquals("encoding.bad_base45", e1.code)
        assertTrue(e1.detail.isNotEmpty())
        val e2 = assertFailsWith<InkanException.Claim169> { claim169Decode("ABC", null) }
        assertEquals("encoding.bad_zlib", e2.code)
        val e3 = assertFailsWith<InkanException.Verify> { vectorVerifier().verifyText("hello") }
        assertEquals("verifier.unknown_format", e3.code)
        val e4 = assertFailsWith<InkanException.TrustStore> { Verifier("{not json", VerifierOptions()) }
        assertEquals("json.malformed", e4.code)
        val e5 = assertFailsWith<InkanException.PixelPass> { pixelpassDecode("NCFKVPV0QSIP600GP5L0", "hdr://") }
        assertEquals("pixelpass.missing_header", e5.code)
        val e6 = assertFailsWith<InkanException.Qr> { qrScanFrame(LumaImage(ByteArray(10), 4u, 4u, 4u)) }
        assertEquals("image.malformed", e6.code)
        val e7 = assertFailsWith<InkanException.Key> { SigningKey.fromJwk("""{"kty":"OKP","crv":"Ed25519","x":"AAAA","d":"AA"}""") }
        assertEquals("crypto.invalid_key", e7.code)
    }

    @Test
    fun aKotlinForeignSignerSignsAClaim169Credential() {
        val signer = JavaSecuritySigner()
        val key = foreignKey(signer)
        val meta = CwtMeta(iss = "https://issuer.example", iat = NOW - 60, exp = NOW + 3600)
        val qrText = claim169Encode("""{"id":"3918592438","fullName":"Janardhan BS"}""", meta, key, Claim169EncodeOptions())
        assertEquals(1, signer.calls)
        val report = Verifier(key.publicJwk(), VerifierOptions(nowUnix = NOW)).verifyText(qrText)
        assertEquals(ReportVerdict.VALID, report.verdict, report.reportJson)
        assertTrue(report.claimsJson.contains("Janardhan BS"))
        assertEquals("kt-keystore-1", claim169Decode(qrText, null).kid)
        // Through a rendered PNG and the scanner.
        val rendered = qrRenderPng(qrText.toByteArray(), QrStyle(QrEcLevel.L, 4u, 4u))
        assertEquals(listOf(qrText), qrScanImage(rendered).map { it.text })
    }

    @Test
    fun foreignSignerFailuresKeepTheirCodes() {
        val refusing = object : JavaSecuritySigner() {
            override fun sign(message: ByteArray): ByteArray =
                throw InkanException.Signer("keystore.user_not_authenticated", "biometric prompt cancelled")
        }
        val crashing = object : JavaSecuritySigner() {
            override fun sign(message: ByteArray): ByteArray = throw IllegalStateException("boom")
        }
        val garbage = object : JavaSecuritySigner() {
            override fun sign(message: ByteArray): ByteArray = byteArrayOf(0x30, 0x02, 0x01)
        }
        for ((signer, code) in listOf(
            refusing to "keystore.user_not_authenticated",
            crashing to "bindings.foreign_callback",
            garbage to "bindings.foreign_signature",
        )) {
            val e = assertFailsWith<InkanException.Signer> {
                claim169Encode("""{"id":"1"}""", CwtMeta(), foreignKey(signer), Claim169EncodeOptions())
            }
            assertEquals(code, e.code)
        }
    }

    @Test
    fun concurrentVerificationFrom8Threads() {
        val verifier = vectorVerifier()
        val barrier = CyclicBarrier(8)
        val pool = Executors.newFixedThreadPool(8)
        val futures = (0 until 8).map {
            pool.submit<List<ReportVerdict>> {
                barrier.await()
                List(3) { verifier.verify(png).verdict } + verifier.verifyText(vectorField(vector, "qr_data")).verdict
            }
        }
        val verdicts = futures.flatMap { it.get(120, TimeUnit.SECONDS) }
        pool.shutdown()
        assertEquals(List(32) { ReportVerdict.VALID }, verdicts)
    }

    @Test
    fun pixelpassAndKeys() {
        val text = pixelpassEncode("""{"name":"Janardhan"}""", "")
        assertEquals("""{"name":"Janardhan"}""", pixelpassDecode(text, ""))
        val software = SigningKey.generate(SignatureAlgorithm.ED_DSA)
        assertEquals(software.publicJwk(), SigningKey.fromJwk(software.privateJwk()).publicJwk())
        assertEquals(64, software.sign("hello".toByteArray()).size)
    }

    @Test
    fun sdJwtPresentedWithAKotlinKeystoreKey() {
        val issuer = SigningKey.generate(SignatureAlgorithm.ES256)
        val holder = JavaSecuritySigner()
        val policy = """{"vct":"urn:example:pid:1","iss":"https://issuer.example","sd":["given_name","family_name"]}"""
        val issued = sdJwtVcIssue("""{"given_name":"Ada","family_name":"Lovelace"}""", policy, issuer, holder.publicJwk(), NOW - 60)
        assertEquals(listOf("given_name", "family_name"), sdJwtContents(issued).disclosablePaths)
        val presented = sdJwtPresentBound(issued, listOf("given_name"), foreignKey(holder), "https://verifier.example", "n-0S6", NOW)
        assertEquals(1, holder.calls)
        val verifier = Verifier(issuer.publicJwk(), VerifierOptions(nowUnix = NOW + 5))
        val report = verifier.verifyWith(presented.toByteArray(), VerifyOptions("https://verifier.example", "n-0S6", listOf()))
        assertEquals(ReportVerdict.VALID, report.verdict, report.reportJson)
        assertTrue(report.claimsJson.contains("Ada") && !report.claimsJson.contains("Lovelace"))
        val replayed = verifier.verifyWith(presented.toByteArray(), VerifyOptions("https://verifier.example", "other", listOf()))
        assertEquals(ReportVerdict.INVALID, replayed.verdict)
        val err = assertFailsWith<InkanException.SdJwt> { sdJwtPresent(issued, listOf("a..b")) }
        assertEquals("sdjwt.bad_frame", err.code)
    }
}

/** Runs the tests and prints one plain `N passed, N failed` line (exit 1 on any failure). */
object RunTests {
    @JvmStatic
    fun main(args: Array<String>) {
        val result = JUnitCore.runClasses(InkanTest::class.java)
        result.failures.forEach { println("FAILED ${it.testHeader}: ${it.trace}") }
        println("kotlin: ${result.runCount - result.failureCount} passed, ${result.failureCount} failed")
        exitProcess(if (result.wasSuccessful()) 0 else 1)
    }
}
