"""Tests for pipeline.timing and pipeline.speech.estimate: estimates, pace, layout and shots."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pytest

from pipeline.errors import InputError, ScriptLengthError
from pipeline.script.scenes import parse_script, split_sentences
from pipeline.shot_list import MIN_SHOT_S
from pipeline.speech import estimate as speech_estimate
from pipeline.speech.samples import CALIBRATION_PASSAGES
from pipeline.speech.tts import (
    DEFAULT_WORDS_PER_MINUTE,
    LANGUAGES,
    MAX_WORDS_PER_MINUTE,
    MIN_WORDS_PER_MINUTE,
    speak,
    synthesize,
)
from pipeline.timing import (
    MIN_SCENE_GAP_S,
    MIN_SENTENCE_GAP_S,
    check_fit,
    estimate_narration_s,
    layout,
)
from pipeline.types import Script, SpokenSentence, Timeline

# A second story, not used for calibration, in every supported language.
HELD_OUT = {
    "en": 'The old ferryman rowed slowly across the quiet river at dawn. Birds called from the tall trees, and the mist lifted from the water. On the far bank, a girl with a red scarf was waiting for him. She carried a basket of mangoes for the market in town. "You are early today," he said with a smile.',
    "hi": 'बूढ़ा मल्लाह सुबह शांत नदी के पार धीरे धीरे नाव चलाता था। ऊँचे पेड़ों से पक्षी पुकार रहे थे, और पानी से कोहरा उठ रहा था। दूसरे किनारे पर लाल दुपट्टे वाली एक लड़की उसका इंतज़ार कर रही थी। वह शहर के बाज़ार के लिए आमों की एक टोकरी ले जा रही थी। उसने मुस्कुराकर कहा, "आज तुम जल्दी आ गई।"',
    "mr": 'म्हातारा नावाडी पहाटे शांत नदीतून हळूहळू होडी वल्हवत होता. उंच झाडांवरून पक्षी हाका मारत होते, आणि पाण्यावरून धुके उठत होते. पलीकडच्या काठावर लाल ओढणी घेतलेली एक मुलगी त्याची वाट पाहत होती. तिच्याकडे शहराच्या बाजारासाठी आंब्यांची एक टोपली होती. तो हसून म्हणाला, "आज तू लवकर आलीस."',
    "ta": 'வயதான படகோட்டி விடியற்காலையில் அமைதியான ஆற்றைக் கடந்து மெதுவாகப் படகு ஓட்டினார். உயர்ந்த மரங்களிலிருந்து பறவைகள் அழைத்தன, நீரிலிருந்து பனிமூட்டம் விலகியது. மறுகரையில் சிவப்புத் துப்பட்டா அணிந்த ஒரு பெண் அவருக்காகக் காத்திருந்தாள். அவள் நகரச் சந்தைக்காக மாம்பழக் கூடை ஒன்றை எடுத்துச் சென்றாள். "இன்று நீ சீக்கிரம் வந்துவிட்டாய்," என்று அவர் புன்னகையுடன் சொன்னார்.',
    "te": 'ముసలి పడవవాడు తెల్లవారుజామున నిశ్శబ్దమైన నదిని నెమ్మదిగా దాటాడు. ఎత్తైన చెట్ల నుండి పక్షులు పిలిచాయి, నీటి మీద నుండి పొగమంచు తొలగింది. అవతలి ఒడ్డున ఎర్రని చున్నీ వేసుకున్న ఒక అమ్మాయి అతని కోసం ఎదురుచూస్తోంది. ఆమె పట్టణ సంతకు మామిడిపండ్ల బుట్ట తీసుకెళ్తోంది. "ఈ రోజు నువ్వు తొందరగా వచ్చావు," అని అతను నవ్వుతూ అన్నాడు.',
    "kn": 'ಮುದುಕ ಅಂಬಿಗನು ಮುಂಜಾನೆ ಶಾಂತವಾದ ನದಿಯನ್ನು ನಿಧಾನವಾಗಿ ದಾಟಿದನು. ಎತ್ತರದ ಮರಗಳಿಂದ ಹಕ್ಕಿಗಳು ಕೂಗಿದವು, ನೀರಿನ ಮೇಲಿಂದ ಮಂಜು ಸರಿಯಿತು. ಆಚೆಯ ದಡದಲ್ಲಿ ಕೆಂಪು ಶಾಲು ಹೊದ್ದ ಒಬ್ಬ ಹುಡುಗಿ ಅವನಿಗಾಗಿ ಕಾಯುತ್ತಿದ್ದಳು. ಅವಳು ಪಟ್ಟಣದ ಸಂತೆಗೆ ಮಾವಿನ ಹಣ್ಣಿನ ಬುಟ್ಟಿಯನ್ನು ಹೊತ್ತಿದ್ದಳು. "ಇಂದು ನೀನು ಬೇಗ ಬಂದೆ," ಎಂದು ಅವನು ನಗುತ್ತಾ ಹೇಳಿದನು.',
    "ml": 'വയസ്സനായ കടത്തുകാരൻ പുലർച്ചെ ശാന്തമായ പുഴ പതുക്കെ കടന്നു. ഉയരമുള്ള മരങ്ങളിൽ നിന്ന് പക്ഷികൾ വിളിച്ചു, വെള്ളത്തിൽ നിന്ന് മൂടൽമഞ്ഞ് മാറി. അക്കരെ ചുവന്ന ഷാൾ ധരിച്ച ഒരു പെൺകുട്ടി അവനെ കാത്തുനിന്നിരുന്നു. അവൾ പട്ടണത്തിലെ ചന്തയിലേക്ക് ഒരു കൊട്ട മാമ്പഴം കൊണ്ടുപോകുകയായിരുന്നു. "ഇന്ന് നീ നേരത്തെ വന്നല്ലോ," അവൻ പുഞ്ചിരിയോടെ പറഞ്ഞു.',
    "bn": 'বুড়ো মাঝি ভোরবেলা শান্ত নদী ধীরে ধীরে পার হচ্ছিল। উঁচু গাছ থেকে পাখিরা ডাকছিল, আর জলের উপর থেকে কুয়াশা সরে যাচ্ছিল। ওপারে লাল ওড়না পরা একটি মেয়ে তার জন্য অপেক্ষা করছিল। সে শহরের বাজারের জন্য এক ঝুড়ি আম নিয়ে যাচ্ছিল। সে হেসে বলল, "আজ তুমি তাড়াতাড়ি এসেছ।"',
    "gu": 'વૃદ્ધ નાવિક વહેલી સવારે શાંત નદી ધીમે ધીમે પાર કરતો હતો. ઊંચાં વૃક્ષો પરથી પક્ષીઓ બોલાવતાં હતાં, અને પાણી પરથી ધુમ્મસ હટતું હતું. સામે કિનારે લાલ દુપટ્ટાવાળી એક છોકરી તેની રાહ જોતી હતી. તે શહેરના બજાર માટે કેરીની એક ટોપલી લઈ જતી હતી. તેણે હસીને કહ્યું, "આજે તું વહેલી આવી."',
    "pa": 'ਬੁੱਢਾ ਮਲਾਹ ਸਵੇਰੇ ਸ਼ਾਂਤ ਨਦੀ ਨੂੰ ਹੌਲੀ ਹੌਲੀ ਪਾਰ ਕਰ ਰਿਹਾ ਸੀ। ਉੱਚੇ ਰੁੱਖਾਂ ਤੋਂ ਪੰਛੀ ਬੋਲ ਰਹੇ ਸਨ, ਅਤੇ ਪਾਣੀ ਤੋਂ ਧੁੰਦ ਹਟ ਰਹੀ ਸੀ। ਦੂਜੇ ਕੰਢੇ ਉੱਤੇ ਲਾਲ ਚੁੰਨੀ ਵਾਲੀ ਇੱਕ ਕੁੜੀ ਉਸ ਦੀ ਉਡੀਕ ਕਰ ਰਹੀ ਸੀ। ਉਹ ਸ਼ਹਿਰ ਦੀ ਮੰਡੀ ਲਈ ਅੰਬਾਂ ਦੀ ਇੱਕ ਟੋਕਰੀ ਲੈ ਕੇ ਜਾ ਰਹੀ ਸੀ। ਉਸ ਨੇ ਮੁਸਕਰਾ ਕੇ ਕਿਹਾ, "ਅੱਜ ਤੂੰ ਜਲਦੀ ਆ ਗਈ।"',
    "es": 'El viejo barquero remaba despacio por el río tranquilo al amanecer. Los pájaros cantaban en los árboles altos, y la niebla se levantaba del agua. En la otra orilla, una niña con un pañuelo rojo lo estaba esperando. Llevaba una cesta de mangos para el mercado del pueblo. "Hoy llegas temprano," dijo él con una sonrisa.',
    "fr": "Le vieux passeur ramait lentement sur la rivière calme à l'aube. Les oiseaux chantaient dans les grands arbres, et la brume se levait de l'eau. Sur l'autre rive, une fille au foulard rouge l'attendait. Elle portait un panier de mangues pour le marché de la ville. « Tu es en avance aujourd'hui, » dit-il en souriant.",
    "de": "Der alte Fährmann ruderte im Morgengrauen langsam über den stillen Fluss. Vögel riefen aus den hohen Bäumen, und der Nebel hob sich vom Wasser. Am anderen Ufer wartete ein Mädchen mit einem roten Schal auf ihn. Sie trug einen Korb voller Mangos für den Markt in der Stadt. „Du bist heute früh dran“, sagte er lächelnd.",
    "it": "Il vecchio traghettatore remava piano sul fiume tranquillo all'alba. Gli uccelli chiamavano dagli alberi alti, e la nebbia si alzava dall'acqua. Sull'altra riva, una ragazza con una sciarpa rossa lo stava aspettando. Portava un cesto di manghi per il mercato della città. \"Oggi sei in anticipo,\" disse lui sorridendo.",
    "pt": 'O velho barqueiro remava devagar pelo rio calmo ao amanhecer. Os pássaros chamavam das árvores altas, e a névoa levantava-se da água. Na outra margem, uma rapariga com um lenço vermelho esperava por ele. Levava um cesto de mangas para o mercado da cidade. "Hoje chegaste cedo," disse ele a sorrir.',
}

ESTIMATE_TOLERANCE = 0.12
"""How far the text-only estimate of a passage may be from real synthesis."""

FPS = 30


def _real_speech_s(text: str, language: str, voice: str, words_per_minute: int) -> float:
    total = 0.0
    for sentence in split_sentences(text):
        clip = speak(sentence, voice, language, words_per_minute)
        total += len(clip.audio) / clip.sample_rate
    return total


def _estimated_speech_s(text: str, language: str, voice: str, words_per_minute: int) -> float:
    return sum(
        speech_estimate.speech_seconds(sentence, language, voice, words_per_minute)
        for sentence in split_sentences(text)
    )


# --- the estimate against real espeak ------------------------------------------------------


def test_every_language_has_a_held_out_passage_and_constants() -> None:
    assert set(HELD_OUT) == set(LANGUAGES) == set(speech_estimate.SECONDS_PER_UNIT)
    assert set(CALIBRATION_PASSAGES) == set(LANGUAGES)


@pytest.mark.parametrize("language", sorted(HELD_OUT))
def test_estimate_matches_real_speech_in_each_language(language: str) -> None:
    text = HELD_OUT[language]
    for voice, pace in (
        ("neutral", DEFAULT_WORDS_PER_MINUTE),
        ("male", MIN_WORDS_PER_MINUTE),
        ("female", MAX_WORDS_PER_MINUTE),
    ):
        real = _real_speech_s(text, language, voice, pace)
        estimate = _estimated_speech_s(text, language, voice, pace)
        assert estimate == pytest.approx(real, rel=ESTIMATE_TOLERANCE), (voice, pace)


def test_narration_estimate_adds_the_usual_gaps_and_scales_with_pace() -> None:
    text = HELD_OUT["en"]
    speech = _estimated_speech_s(text, "en", "neutral", DEFAULT_WORDS_PER_MINUTE)
    narration = estimate_narration_s(text, "en")
    assert speech + 2.0 < narration < speech + 6.0
    fast = estimate_narration_s(text, "en", words_per_minute=MAX_WORDS_PER_MINUTE)
    slow = estimate_narration_s(text, "en", words_per_minute=MIN_WORDS_PER_MINUTE)
    assert fast < narration < slow


# --- fitting a script to a length ----------------------------------------------------------


def test_pace_bounds_are_a_sensible_band_around_the_default() -> None:
    bounds = (MIN_WORDS_PER_MINUTE, MAX_WORDS_PER_MINUTE)
    assert bounds == pytest.approx(
        (0.8 * DEFAULT_WORDS_PER_MINUTE, 1.3 * DEFAULT_WORDS_PER_MINUTE), abs=1
    )


def test_fit_keeps_the_default_pace_when_the_script_fills_the_film_comfortably() -> None:
    text = CALIBRATION_PASSAGES["en"]
    narration = estimate_narration_s(text, "en")
    plan = check_fit(text, narration / 0.75, "en")
    assert plan.words_per_minute == DEFAULT_WORDS_PER_MINUTE
    assert plan.estimated_narration_s == pytest.approx(narration)
    assert plan.fill == pytest.approx(0.75)


def test_fit_speeds_up_a_long_script_and_slows_a_short_one_within_bounds() -> None:
    text = CALIBRATION_PASSAGES["hi"]
    narration = estimate_narration_s(text, "hi")
    fast = check_fit(text, narration * 1.0, "hi")
    assert DEFAULT_WORDS_PER_MINUTE < fast.words_per_minute <= MAX_WORDS_PER_MINUTE
    assert fast.fill == pytest.approx(0.9, abs=0.02)
    slow = check_fit(text, narration * 1.9, "hi")
    assert MIN_WORDS_PER_MINUTE <= slow.words_per_minute < DEFAULT_WORDS_PER_MINUTE


def test_a_script_too_long_for_the_film_is_refused_with_the_numbers() -> None:
    text = "\n\n".join([CALIBRATION_PASSAGES["en"]] * 5)
    fastest = estimate_narration_s(text, "en", words_per_minute=MAX_WORDS_PER_MINUTE)
    with pytest.raises(ScriptLengthError) as caught:
        check_fit(text, 120, "en")
    message = str(caught.value)
    assert f"about {fastest / 60:.1f} minutes of narration even at the fastest pace" in message
    assert "but 2 minutes were requested" in message
    suggested = math.ceil(fastest * 1.05 / 60)
    assert f"ask for at least {suggested} minutes" in message
    assert caught.value.narration_s == pytest.approx(fastest)
    assert caught.value.requested_s == 120
    check_fit(text, suggested * 60, "en")  # the suggestion really fits


def test_a_script_far_too_short_is_refused_with_the_numbers() -> None:
    text = "\n\n".join([CALIBRATION_PASSAGES["ta"], HELD_OUT["ta"]])
    slowest = estimate_narration_s(text, "ta", words_per_minute=MIN_WORDS_PER_MINUTE)
    with pytest.raises(ScriptLengthError) as caught:
        check_fit(text, 10 * 60, "ta")
    message = str(caught.value)
    assert f"only about {slowest / 60:.1f} minutes of narration" in message
    assert "under half of the 10 minutes requested" in message
    assert "more words" in message
    at_most = math.floor(slowest / 0.5 / 60)
    assert f"ask for at most {at_most} minutes" in message
    check_fit(text, at_most * 60, "ta")  # the suggestion really fits
    with pytest.raises(
        ScriptLengthError,
        match=r"^The script gives only about \d seconds of narration .* add about \d+ more words\.$",
    ):
        check_fit("Hello there.", 60, "en")


def test_fit_refuses_bad_input() -> None:
    with pytest.raises(InputError, match="empty"):
        check_fit("  \n ", 60, "en")
    with pytest.raises(InputError, match="Voice"):
        check_fit("Hello there.", 60, "en", "robot")
    with pytest.raises(InputError, match="Language"):
        check_fit("Hello there.", 60, "xx")
    with pytest.raises(InputError, match="more than zero"):
        check_fit("Hello there.", 0, "en")


# --- layout --------------------------------------------------------------------------------


def _silent_clips(script: Script, seconds: list[float]) -> list[SpokenSentence]:
    rate = 22050
    return [
        SpokenSentence(sentence, np.zeros(round(length * rate), np.float32), rate)
        for sentence, length in zip(script.sentences, seconds, strict=True)
    ]


def _check_timeline(timeline: Timeline, duration_s: float, fps: int) -> None:
    frames = round(duration_s * fps)
    assert timeline.duration_s == frames / fps
    previous_end = 0.0
    for span in timeline.speech:
        assert span.start_s >= previous_end
        assert round(span.start_s * fps) == pytest.approx(span.start_s * fps, abs=1e-6)
        previous_end = span.end_s
    assert previous_end <= timeline.duration_s
    shots = timeline.shots
    assert shots[0].start_s == 0.0
    assert shots[-1].end_s == pytest.approx(timeline.duration_s)
    for before, after in itertools.pairwise(shots):
        assert before.end_s == pytest.approx(after.start_s)
    for shot in shots:
        assert shot.duration_s > 0
        assert shot.start_s * fps == pytest.approx(round(shot.start_s * fps), abs=1e-6)


def test_layout_is_exactly_the_requested_length_on_whole_frames() -> None:
    script = parse_script("One two three.\n\nFour five six. Seven.", [Path("a.jpg")], "en")
    clips = _silent_clips(script, [1.3, 1.7, 0.6])
    for duration, fps in ((10.0, 30), (12.345, 25), (9.99, 24)):
        timeline = layout(script, clips, duration, fps)
        _check_timeline(timeline, duration, fps)
        for span, clip in zip(timeline.speech, clips, strict=True):
            assert span.end_s - span.start_s == pytest.approx(clip.duration_s)


def test_spare_time_becomes_holds_between_scenes_not_one_long_tail() -> None:
    text = "\n\n".join(f"Scene {n} begins here. It goes on a while." for n in range(4))
    script = parse_script(text, [], "en")
    clips = _silent_clips(script, [2.0] * len(script.sentences))
    timeline = layout(script, clips, 40.0, FPS)
    _check_timeline(timeline, 40.0, FPS)
    spans = timeline.speech
    silences = [spans[0].start_s]
    silences += [b.start_s - a.end_s for a, b in itertools.pairwise(spans)]
    silences.append(timeline.duration_s - spans[-1].end_s)
    sentence_gaps = silences[1:-1:2]
    scene_gaps = silences[2:-1:2]
    assert len(scene_gaps) == 3
    assert min(scene_gaps) > max(sentence_gaps) >= MIN_SENTENCE_GAP_S
    assert silences[-1] < 0.35 * sum(silences)  # the tail holds only part of the spare time
    assert max(scene_gaps) - min(scene_gaps) < 2 / FPS  # spread evenly


def test_tight_fit_squeezes_gaps_and_overflow_is_refused_with_numbers() -> None:
    script = parse_script("First line.\n\nSecond line. Third line.", [], "en")
    clips = _silent_clips(script, [3.0, 3.0, 3.0])
    tight = layout(script, clips, 10.8, FPS)
    _check_timeline(tight, 10.8, FPS)
    gaps = [b.start_s - a.end_s for a, b in itertools.pairwise(tight.speech)]
    assert gaps[0] >= MIN_SCENE_GAP_S - 1 / FPS
    assert gaps[1] >= MIN_SENTENCE_GAP_S - 1 / FPS
    with pytest.raises(
        ScriptLengthError, match="but the film lasts 9 seconds; shorten the script"
    ) as caught:
        layout(script, clips, 9.0, FPS)
    assert caught.value.narration_s > 9.0


def test_short_lines_get_room_for_their_subtitle() -> None:
    script = parse_script("No. Yes. Maybe so.", [], "en")
    clips = _silent_clips(script, [0.3, 0.3, 0.8])
    timeline = layout(script, clips, 8.0, FPS)
    starts = [span.start_s for span in timeline.speech]
    assert all(b - a >= 1.0 - 1e-9 for a, b in itertools.pairwise(starts))


def test_shots_show_scene_images_speakers_and_title_cards() -> None:
    text = (
        "The village slept under the stars. A dog barked far away.\n\n"
        "RAVI: Mother, are you awake?\nMAA: Yes, my child.\nRAVI: I had a dream.\n"
        "The wind moved the curtains.\n\n"
        "Morning came slowly over the hills and the river."
    )
    images = [Path("night.jpg"), Path("ravi.png"), Path("stars.jpg"), Path("maa.png")]
    script = parse_script(text, images, "en")
    # Two scenery images spread over three scenes: scene 2 gets no image of its own.
    assert [scene.images for scene in script.scenes] == [
        (Path("night.jpg"),),
        (Path("night.jpg"),),
        (Path("stars.jpg"),),
    ]
    clips = _silent_clips(script, [2.5, 1.8, 1.6, 1.0, 1.4, 2.0, 3.0])
    timeline = layout(script, clips, 30.0, FPS)
    _check_timeline(timeline, 30.0, FPS)
    for span in timeline.speech:
        if span.sentence.speaker is None:
            continue
        covering = [
            shot
            for shot in timeline.shots
            if shot.start_s <= span.start_s + 1e-9 and span.end_s <= shot.end_s + 1e-9
        ]
        assert len(covering) == 1, span
        assert covering[0].speaker == span.sentence.speaker
        assert covering[0].image == script.character_image(span.sentence.speaker)
    speakers = [shot.speaker for shot in timeline.shots if shot.speaker]
    assert speakers == ["RAVI", "MAA", "RAVI"]
    assert all(shot.duration_s >= MIN_SHOT_S - 1e-9 for shot in timeline.shots)
    assert {shot.scene_index for shot in timeline.shots} == {0, 1, 2}


def test_scene_without_images_gets_a_title_card_with_its_opening_words() -> None:
    script = parse_script(
        "Morning came slowly over the quiet hills and the sleeping river valley.", [], "en"
    )
    timeline = layout(script, _silent_clips(script, [4.0]), 8.0, FPS)
    [card] = timeline.shots
    assert card.image is None
    assert card.title == "Morning came slowly over the quiet hills and the…"


def test_several_images_split_a_scene_in_order() -> None:
    images = [Path(f"{n}.jpg") for n in range(3)]
    script = parse_script("One long scene with many words in it. And more words.", images, "en")
    timeline = layout(script, _silent_clips(script, [4.0, 3.0]), 15.0, FPS)
    assert [shot.image for shot in timeline.shots] == images
    lengths = [shot.duration_s for shot in timeline.shots]
    assert max(lengths) - min(lengths) < 2 / FPS


def test_layout_needs_one_clip_per_sentence_in_order() -> None:
    script = parse_script("One. Two.", [], "en")
    clips = _silent_clips(script, [1.0, 1.0])
    with pytest.raises(ValueError, match="one clip for each sentence"):
        layout(script, clips[::-1], 10.0, FPS)


# --- end to end with real speech -----------------------------------------------------------


@pytest.mark.parametrize(("language", "minutes"), [("hi", 0.75), ("en", 0.6)])
def test_planned_real_speech_fits_the_film(language: str, minutes: float) -> None:
    text = HELD_OUT[language].replace(". ", ".\n\n", 1).replace("। ", "।\n\n", 1)
    duration = minutes * 60
    plan = check_fit(text, duration, language, "female")
    script = parse_script(text, [], language)
    spoken = synthesize(script.sentences, "female", language, plan.words_per_minute)
    timeline = layout(script, spoken, duration, FPS)
    _check_timeline(timeline, duration, FPS)
    real = sum(clip.duration_s for clip in spoken)
    assert plan.estimated_speech_s == pytest.approx(real, rel=ESTIMATE_TOLERANCE)
    assert [span.word_starts for span in timeline.speech] == [c.word_starts for c in spoken]
