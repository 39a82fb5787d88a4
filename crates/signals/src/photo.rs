//! Photo upload hygiene: the type is decided by the content, the size is
//! limited, and **all** metadata is removed before storage.
//!
//! The photo is decoded and encoded again (JPEG stays JPEG, PNG stays PNG,
//! WebP becomes PNG when it has transparency and JPEG otherwise). This
//! drops everything that is not pixels — EXIF (including GPS position,
//! camera serial numbers and the embedded thumbnail), XMP, IPTC, ICC
//! profiles, comments, PNG text chunks and any bytes hidden after the image
//! data — without having to know every container's metadata places, and it
//! refuses files that only look like images. The EXIF orientation is applied
//! to the pixels first, so the photo still shows upright. Re-encoding a JPEG
//! costs a little quality (quality 88 by default); for evidence photos of a
//! report that is acceptable, and the original never reaches the disk.
//!
//! HEIC/HEIF (iPhone) is recognised but refused with a clear message: no
//! well-kept pure-Rust decoder exists, and browsers convert HEIC to JPEG
//! when a photo is picked for upload in most cases.

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use serde::{Deserialize, Serialize};
use std::io::Cursor;

/// Limits for an uploaded photo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoLimits {
    /// Largest upload in bytes.
    pub max_bytes: usize,
    /// Largest width and height in pixels.
    pub max_side: u32,
    /// Largest number of pixels (width × height).
    pub max_pixels: u64,
    /// JPEG quality of the stored copy (1–100).
    pub jpeg_quality: u8,
}

impl Default for PhotoLimits {
    fn default() -> Self {
        PhotoLimits {
            max_bytes: 10 * 1024 * 1024,
            max_side: 10_000,
            max_pixels: 50_000_000,
            jpeg_quality: 88,
        }
    }
}

/// The most photos one report may have.
pub const MAX_PHOTOS_PER_SIGNAL: usize = 5;

/// What the content says a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SniffedType {
    Jpeg,
    Png,
    Webp,
    Heic,
}

/// The format of the stored copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StoredFormat {
    Jpeg,
    Png,
}

impl StoredFormat {
    pub fn content_type(self) -> &'static str {
        match self {
            StoredFormat::Jpeg => "image/jpeg",
            StoredFormat::Png => "image/png",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            StoredFormat::Jpeg => "jpg",
            StoredFormat::Png => "png",
        }
    }
}

/// A cleaned photo, ready to store.
#[derive(Clone, PartialEq, Eq)]
pub struct CleanPhoto {
    pub bytes: Vec<u8>,
    pub format: StoredFormat,
    pub width: u32,
    pub height: u32,
}

impl std::fmt::Debug for CleanPhoto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CleanPhoto")
            .field("bytes", &self.bytes.len())
            .field("format", &self.format)
            .field("width", &self.width)
            .field("height", &self.height)
            .finish()
    }
}

/// Why a photo is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum PhotoError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is larger than {max_bytes} bytes")]
    TooLarge { max_bytes: usize },
    #[error("the file is not a JPEG, PNG or WebP image")]
    NotAnImage,
    #[error("HEIC photos are not supported")]
    HeicNotSupported,
    #[error("the image is too large ({width}×{height} pixels)")]
    TooManyPixels { width: u32, height: u32 },
    #[error("the image is damaged or cannot be read")]
    Damaged,
    #[error("the image could not be saved")]
    EncodeFailed,
}

impl PhotoError {
    /// The message for the reporter in Dutch (B1).
    pub fn message_nl(&self) -> String {
        match self {
            PhotoError::Empty => "Het bestand is leeg.".into(),
            PhotoError::TooLarge { max_bytes } => format!(
                "De foto is te groot. Een foto mag maximaal {} MB zijn.",
                max_bytes / (1024 * 1024)
            ),
            PhotoError::NotAnImage => {
                "Dit bestand is geen foto. Kies een foto in JPEG-, PNG- of WebP-formaat.".into()
            }
            PhotoError::HeicNotSupported => "HEIC-foto's (iPhone) kunnen we niet lezen. Kies \
                 de foto opnieuw als JPEG, of maak een schermafbeelding van de foto."
                .into(),
            PhotoError::TooManyPixels { .. } => {
                "De foto heeft te veel pixels. Verklein de foto en probeer het opnieuw.".into()
            }
            PhotoError::Damaged => "De foto is beschadigd of kan niet worden gelezen.".into(),
            PhotoError::EncodeFailed => {
                "Het opslaan van de foto is niet gelukt. Probeer het later opnieuw.".into()
            }
        }
    }

    /// The message for the reporter in English.
    pub fn message_en(&self) -> String {
        match self {
            PhotoError::Empty => "The file is empty.".into(),
            PhotoError::TooLarge { max_bytes } => format!(
                "The photo is too large. A photo may be at most {} MB.",
                max_bytes / (1024 * 1024)
            ),
            PhotoError::NotAnImage => {
                "This file is not a photo. Choose a JPEG, PNG or WebP photo.".into()
            }
            PhotoError::HeicNotSupported => "We cannot read HEIC photos (iPhone). Choose the \
                 photo again as JPEG, or take a screenshot of it."
                .into(),
            PhotoError::TooManyPixels { .. } => {
                "The photo has too many pixels. Make it smaller and try again.".into()
            }
            PhotoError::Damaged => "The photo is damaged or cannot be read.".into(),
            PhotoError::EncodeFailed => "Saving the photo failed. Please try again later.".into(),
        }
    }
}

/// The type of `bytes` by its magic bytes, whatever its name or the
/// browser's content type says.
pub fn sniff(bytes: &[u8]) -> Option<SniffedType> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(SniffedType::Jpeg);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(SniffedType::Png);
    }
    if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Some(SniffedType::Webp);
    }
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        let brand = &bytes[8..12];
        const HEIF_BRANDS: [&[u8; 4]; 8] = [
            b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1",
        ];
        if HEIF_BRANDS.iter().any(|b| &brand == b) {
            return Some(SniffedType::Heic);
        }
    }
    None
}

/// Checks an uploaded photo and returns a copy without any metadata.
pub fn clean_photo(bytes: &[u8], limits: &PhotoLimits) -> Result<CleanPhoto, PhotoError> {
    if bytes.is_empty() {
        return Err(PhotoError::Empty);
    }
    if bytes.len() > limits.max_bytes {
        return Err(PhotoError::TooLarge {
            max_bytes: limits.max_bytes,
        });
    }
    let format = match sniff(bytes) {
        Some(SniffedType::Jpeg) => ImageFormat::Jpeg,
        Some(SniffedType::Png) => ImageFormat::Png,
        Some(SniffedType::Webp) => ImageFormat::WebP,
        Some(SniffedType::Heic) => return Err(PhotoError::HeicNotSupported),
        None => return Err(PhotoError::NotAnImage),
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut decode_limits = Limits::default();
    decode_limits.max_image_width = Some(limits.max_side);
    decode_limits.max_image_height = Some(limits.max_side);
    // Decoded RGBA at the pixel limit, plus room for the decoder.
    decode_limits.max_alloc = Some(limits.max_pixels.saturating_mul(4).saturating_add(64 << 20));
    reader.limits(decode_limits);
    let mut decoder = reader.into_decoder().map_err(|e| map_decode_error(&e))?;
    let (width, height) = decoder.dimensions();
    if width == 0
        || height == 0
        || width > limits.max_side
        || height > limits.max_side
        || u64::from(width) * u64::from(height) > limits.max_pixels
    {
        return Err(PhotoError::TooManyPixels { width, height });
    }
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| map_decode_error(&e))?;
    img.apply_orientation(orientation);

    let stored = match format {
        ImageFormat::Png => StoredFormat::Png,
        ImageFormat::WebP if img.color().has_alpha() => StoredFormat::Png,
        _ => StoredFormat::Jpeg,
    };
    let mut out = Vec::new();
    match stored {
        StoredFormat::Jpeg => {
            let rgb = DynamicImage::ImageRgb8(img.to_rgb8());
            let enc = JpegEncoder::new_with_quality(&mut out, limits.jpeg_quality.clamp(1, 100));
            rgb.write_with_encoder(enc)
                .map_err(|_| PhotoError::EncodeFailed)?;
        }
        StoredFormat::Png => {
            // 8 bits per channel is plenty for a photo of a report.
            let img = if img.color().has_alpha() {
                DynamicImage::ImageRgba8(img.to_rgba8())
            } else {
                DynamicImage::ImageRgb8(img.to_rgb8())
            };
            img.write_with_encoder(PngEncoder::new(&mut out))
                .map_err(|_| PhotoError::EncodeFailed)?;
        }
    }
    Ok(CleanPhoto {
        bytes: out,
        format: stored,
        width: img.width(),
        height: img.height(),
    })
}

fn map_decode_error(e: &image::ImageError) -> PhotoError {
    match e {
        image::ImageError::Limits(_) => PhotoError::TooManyPixels {
            width: 0,
            height: 0,
        },
        image::ImageError::Unsupported(_) => PhotoError::NotAnImage,
        _ => PhotoError::Damaged,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage, Rgba, RgbaImage};

    // ---- building test files with metadata -------------------------------

    /// A little-endian TIFF/EXIF block with Orientation and a GPS IFD
    /// (52°22'N 4°53'E), as a camera writes it.
    fn exif_tiff(orientation: u16) -> Vec<u8> {
        let mut t = Vec::new();
        t.extend_from_slice(b"II*\0");
        t.extend_from_slice(&8u32.to_le_bytes());
        // IFD0 at 8: 2 entries (12 bytes each) + next-IFD offset.
        let gps_ifd = 8 + 2 + 2 * 12 + 4;
        t.extend_from_slice(&2u16.to_le_bytes());
        // Orientation (0x0112) SHORT 1
        t.extend_from_slice(&0x0112u16.to_le_bytes());
        t.extend_from_slice(&3u16.to_le_bytes());
        t.extend_from_slice(&1u32.to_le_bytes());
        t.extend_from_slice(&u32::from(orientation).to_le_bytes());
        // GPSInfo (0x8825) LONG 1 → GPS IFD
        t.extend_from_slice(&0x8825u16.to_le_bytes());
        t.extend_from_slice(&4u16.to_le_bytes());
        t.extend_from_slice(&1u32.to_le_bytes());
        t.extend_from_slice(&(gps_ifd as u32).to_le_bytes());
        t.extend_from_slice(&0u32.to_le_bytes());
        assert_eq!(t.len(), gps_ifd);
        // GPS IFD: 4 entries.
        let data = gps_ifd + 2 + 4 * 12 + 4;
        t.extend_from_slice(&4u16.to_le_bytes());
        let entry = |t: &mut Vec<u8>, tag: u16, typ: u16, count: u32, value: [u8; 4]| {
            t.extend_from_slice(&tag.to_le_bytes());
            t.extend_from_slice(&typ.to_le_bytes());
            t.extend_from_slice(&count.to_le_bytes());
            t.extend_from_slice(&value);
        };
        entry(&mut t, 1, 2, 2, *b"N\0\0\0");
        entry(&mut t, 2, 5, 3, (data as u32).to_le_bytes());
        entry(&mut t, 3, 2, 2, *b"E\0\0\0");
        entry(&mut t, 4, 5, 3, ((data + 24) as u32).to_le_bytes());
        t.extend_from_slice(&0u32.to_le_bytes());
        for (num, den) in [(52u32, 1u32), (22, 1), (0, 1), (4, 1), (53, 1), (0, 1)] {
            t.extend_from_slice(&num.to_le_bytes());
            t.extend_from_slice(&den.to_le_bytes());
        }
        t
    }

    fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
        let mut s = vec![0xFF, marker];
        s.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        s.extend_from_slice(payload);
        s
    }

    const XMP: &[u8] = b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\
        <exif:GPSLatitude>52,22N</exif:GPSLatitude><dc:creator>Jan Jansen</dc:creator></x:xmpmeta>";
    const IPTC: &[u8] = b"Photoshop 3.0\08BIM\x04\x04\0\0\0\0\0\x0c\x1c\x02\x50\0\x08Jansen!!";

    /// A 16×8 JPEG (left half red, right half blue) carrying EXIF with GPS and
    /// Orientation 6 (rotate 90° clockwise), XMP, IPTC, a comment and bytes
    /// after the end of the image.
    fn jpeg_with_metadata() -> Vec<u8> {
        let img = RgbImage::from_fn(16, 8, |x, _| {
            if x < 8 {
                Rgb([255, 0, 0])
            } else {
                Rgb([0, 0, 255])
            }
        });
        let mut plain = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_with_encoder(JpegEncoder::new_with_quality(&mut plain, 95))
            .unwrap();
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend_from_slice(&exif_tiff(6));
        let mut out = plain[..2].to_vec();
        out.extend(segment(0xE1, &app1));
        out.extend(segment(0xE1, XMP));
        out.extend(segment(0xED, IPTC));
        out.extend(segment(0xFE, b"secret comment by Jan Jansen"));
        out.extend_from_slice(&plain[2..]);
        out.extend_from_slice(b"TRAILER Jan Jansen 06-12345678");
        out
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for b in data {
            crc ^= u32::from(*b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut c = (data.len() as u32).to_be_bytes().to_vec();
        c.extend_from_slice(kind);
        c.extend_from_slice(data);
        let mut crc_in = kind.to_vec();
        crc_in.extend_from_slice(data);
        c.extend_from_slice(&crc32(&crc_in).to_be_bytes());
        c
    }

    /// PNG chunks as (type, data).
    fn png_chunks(bytes: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
        let mut out = Vec::new();
        let mut i = 8;
        while i + 8 <= bytes.len() {
            let len = u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap()) as usize;
            let kind: [u8; 4] = bytes[i + 4..i + 8].try_into().unwrap();
            out.push((kind, bytes[i + 8..i + 8 + len].to_vec()));
            i += 12 + len;
        }
        out
    }

    /// An 8×8 PNG with eXIf (GPS), tEXt, iTXt (XMP), zTXt-like text and tIME.
    fn png_with_metadata(alpha: bool) -> Vec<u8> {
        let mut plain = Vec::new();
        let img = if alpha {
            DynamicImage::ImageRgba8(RgbaImage::from_pixel(8, 8, Rgba([10, 200, 30, 128])))
        } else {
            DynamicImage::ImageRgb8(RgbImage::from_pixel(8, 8, Rgb([10, 200, 30])))
        };
        img.write_with_encoder(PngEncoder::new(&mut plain)).unwrap();
        let chunks = png_chunks(&plain);
        let mut out = plain[..8].to_vec();
        for (kind, data) in chunks {
            if &kind == b"IEND" {
                out.extend(chunk(b"eXIf", &exif_tiff(1)));
                out.extend(chunk(b"tEXt", b"Author\0Jan Jansen"));
                let mut itxt = b"XML:com.adobe.xmp\0\0\0\0\0".to_vec();
                itxt.extend_from_slice(&XMP[29..]);
                out.extend(chunk(b"iTXt", &itxt));
                out.extend(chunk(b"tIME", &[0x07, 0xE9, 6, 1, 12, 0, 0]));
            }
            out.extend(chunk(&kind, &data));
        }
        out
    }

    /// Every marker segment of a JPEG up to the start of scan.
    fn jpeg_markers(bytes: &[u8]) -> Vec<u8> {
        let mut markers = Vec::new();
        let mut i = 2;
        while i + 4 <= bytes.len() && bytes[i] == 0xFF {
            let m = bytes[i + 1];
            markers.push(m);
            if m == 0xDA {
                break;
            }
            let len = u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]) as usize;
            i += 2 + len;
        }
        markers
    }

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    fn assert_no_traces(bytes: &[u8]) {
        for needle in [
            &b"Exif"[..],
            b"GPS",
            b"xmpmeta",
            b"adobe",
            b"Photoshop",
            b"8BIM",
            b"Jansen",
            b"secret",
            b"TRAILER",
            b"06-12345678",
        ] {
            assert!(
                !contains(bytes, needle),
                "found {:?}",
                String::from_utf8_lossy(needle)
            );
        }
    }

    // ---- tests -----------------------------------------------------------

    #[test]
    fn the_fixture_really_carries_gps() {
        let jpeg = jpeg_with_metadata();
        assert!(contains(&jpeg, b"Exif\0\0II*\0"));
        let m = jpeg_markers(&jpeg);
        assert!(m.contains(&0xE1) && m.contains(&0xED) && m.contains(&0xFE));
        // The image crate itself reads the EXIF block and the orientation.
        let mut dec = ImageReader::with_format(Cursor::new(&jpeg), ImageFormat::Jpeg)
            .into_decoder()
            .unwrap();
        let exif = dec.exif_metadata().unwrap().expect("exif present");
        assert!(contains(&exif, &[0x25, 0x88])); // GPSInfo tag, little-endian
        assert_eq!(
            dec.orientation().unwrap(),
            image::metadata::Orientation::Rotate90
        );
    }

    #[test]
    fn jpeg_metadata_is_stripped_and_orientation_applied() {
        let clean = clean_photo(&jpeg_with_metadata(), &PhotoLimits::default()).unwrap();
        assert_eq!(clean.format, StoredFormat::Jpeg);
        assert_eq!(sniff(&clean.bytes), Some(SniffedType::Jpeg));
        assert_no_traces(&clean.bytes);
        // No APP1–APP15 and no comment segment are left.
        for m in jpeg_markers(&clean.bytes) {
            assert!(!(0xE1..=0xEF).contains(&m) && m != 0xFE, "marker {m:#x}");
        }
        // It ends at the end-of-image marker: nothing appended.
        assert!(clean.bytes.ends_with(&[0xFF, 0xD9]));
        // Rotated upright: 16×8 became 8×16, red on top.
        assert_eq!((clean.width, clean.height), (8, 16));
        let back = image::load_from_memory(&clean.bytes).unwrap().to_rgb8();
        assert_eq!(back.dimensions(), (8, 16));
        let top = back.get_pixel(4, 2);
        let bottom = back.get_pixel(4, 13);
        assert!(top[0] > 200 && top[2] < 60, "{top:?}");
        assert!(bottom[2] > 200 && bottom[0] < 60, "{bottom:?}");
        // And the decoder finds no EXIF at all.
        let mut dec = ImageReader::with_format(Cursor::new(&clean.bytes), ImageFormat::Jpeg)
            .into_decoder()
            .unwrap();
        assert_eq!(dec.exif_metadata().unwrap(), None);
        assert_eq!(dec.icc_profile().unwrap(), None);
    }

    #[test]
    fn png_metadata_is_stripped() {
        for alpha in [false, true] {
            let png = png_with_metadata(alpha);
            assert!(png_chunks(&png).iter().any(|(k, _)| k == b"eXIf"));
            let clean = clean_photo(&png, &PhotoLimits::default()).unwrap();
            assert_eq!(clean.format, StoredFormat::Png);
            assert_no_traces(&clean.bytes);
            for (kind, _) in png_chunks(&clean.bytes) {
                assert!(
                    matches!(&kind, b"IHDR" | b"PLTE" | b"IDAT" | b"IEND" | b"tRNS"),
                    "chunk {:?}",
                    String::from_utf8_lossy(&kind)
                );
            }
            let back = image::load_from_memory(&clean.bytes).unwrap();
            assert_eq!(back.color().has_alpha(), alpha);
            assert_eq!((back.width(), back.height()), (8, 8));
        }
    }

    #[test]
    fn webp_is_accepted_and_stored_without_metadata() {
        let mut webp = Vec::new();
        DynamicImage::ImageRgba8(RgbaImage::from_pixel(4, 4, Rgba([1, 2, 3, 255])))
            .write_with_encoder(image::codecs::webp::WebPEncoder::new_lossless(&mut webp))
            .unwrap();
        assert_eq!(sniff(&webp), Some(SniffedType::Webp));
        let clean = clean_photo(&webp, &PhotoLimits::default()).unwrap();
        assert_eq!((clean.width, clean.height), (4, 4));
        assert!(matches!(
            clean.format,
            StoredFormat::Png | StoredFormat::Jpeg
        ));
    }

    #[test]
    fn refusals() {
        let limits = PhotoLimits::default();
        assert_eq!(clean_photo(&[], &limits), Err(PhotoError::Empty));
        let jpeg = jpeg_with_metadata();
        let small = PhotoLimits {
            max_bytes: 100,
            ..limits.clone()
        };
        assert_eq!(
            clean_photo(&jpeg, &small),
            Err(PhotoError::TooLarge { max_bytes: 100 })
        );
        // Not images, whatever their name would say.
        for bytes in [
            &b"%PDF-1.7\n..."[..],
            b"<html><script>alert(1)</script></html>",
            b"GIF89a\x01\x00\x01\x00",
            b"MZ\x90\x00",
        ] {
            assert_eq!(clean_photo(bytes, &limits), Err(PhotoError::NotAnImage));
        }
        // HEIC is recognised and refused with its own message.
        let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
        assert_eq!(sniff(heic), Some(SniffedType::Heic));
        assert_eq!(
            clean_photo(heic, &limits),
            Err(PhotoError::HeicNotSupported)
        );
        assert!(PhotoError::HeicNotSupported.message_nl().contains("HEIC"));
        // A JPEG cut in half, or a JPEG header with garbage.
        assert_eq!(
            clean_photo(&jpeg[..jpeg.len() / 2], &limits),
            Err(PhotoError::Damaged)
        );
        assert_eq!(
            clean_photo(b"\xFF\xD8\xFF\xE0garbage-garbage", &limits),
            Err(PhotoError::Damaged)
        );
        // Too many pixels (a small file that would decode into a huge image).
        let mut wide = Vec::new();
        DynamicImage::ImageRgb8(RgbImage::new(3000, 1))
            .write_with_encoder(PngEncoder::new(&mut wide))
            .unwrap();
        let narrow = PhotoLimits {
            max_side: 2000,
            ..limits.clone()
        };
        assert!(matches!(
            clean_photo(&wide, &narrow),
            Err(PhotoError::TooManyPixels { .. })
        ));
        let few = PhotoLimits {
            max_pixels: 1000,
            ..limits
        };
        assert!(matches!(
            clean_photo(&wide, &few),
            Err(PhotoError::TooManyPixels { .. })
        ));
    }

    #[test]
    fn messages_exist_in_both_languages() {
        for e in [
            PhotoError::Empty,
            PhotoError::TooLarge {
                max_bytes: 10 << 20,
            },
            PhotoError::NotAnImage,
            PhotoError::HeicNotSupported,
            PhotoError::TooManyPixels {
                width: 1,
                height: 1,
            },
            PhotoError::Damaged,
            PhotoError::EncodeFailed,
        ] {
            assert!(!e.message_nl().is_empty() && !e.message_en().is_empty());
            assert!(!e.message_nl().contains("  "));
        }
        assert!(
            PhotoError::TooLarge {
                max_bytes: 10 << 20
            }
            .message_nl()
            .contains("10 MB")
        );
    }
}
