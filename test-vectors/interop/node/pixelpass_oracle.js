// Oracle for the PixelPass interop tests: the real @mosip/pixelpass (and pako) from npm, pinned
// by package-lock.json. Reads a JSON array of requests on stdin, writes a JSON array of answers.
//
//   encode         [{data, header}]      -> [qr text from generateQRData]
//   decode         [qr text]             -> [{ok: string} | {error: message}]
//   mapped-encode  [{json, mapper}]      -> [hex of getMappedData(json, mapper, true)]
//   mapped-decode  [{hex, mapper}]       -> [decodeMappedData(bytes, mapper) as JSON]
//   deflate        [hex]                 -> [hex of pako.deflate(bytes, {level: 9})]
'use strict';
const pixelpass = require('@mosip/pixelpass');
const pako = require('pako');

// generateQRData reports non-JSON input on stderr; keep stderr for real failures.
console.error = () => {};

const commands = {
  encode: ({ data, header }) => pixelpass.generateQRData(data, header),
  decode: (qr) => {
    try {
      return { ok: pixelpass.decode(qr) };
    } catch (e) {
      return { error: String(e.message) };
    }
  },
  'mapped-encode': ({ json, mapper }) =>
    Buffer.from(pixelpass.getMappedData(json, mapper, true)).toString('hex'),
  'mapped-decode': ({ hex, mapper }) => pixelpass.decodeMappedData(Buffer.from(hex, 'hex'), mapper),
  deflate: (hex) => Buffer.from(pako.deflate(Buffer.from(hex, 'hex'), { level: 9 })).toString('hex'),
};

const command = commands[process.argv[2]];
if (!command) {
  process.stderr.write(`unknown command ${process.argv[2]}\n`);
  process.exit(2);
}
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', () => {
  const requests = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  process.stdout.write(JSON.stringify(requests.map(command)));
});
