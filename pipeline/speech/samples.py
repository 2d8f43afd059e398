"""Sample passages in every supported language, for calibrating and checking speech timing.

Each language has the same short story (a fisherman and a golden fish) so speech rates can be
compared across languages. pipeline.timing's constants were fitted on these passages.
"""

from __future__ import annotations

CALIBRATION_PASSAGES: dict[str, str] = {
    "en": (
        "Long ago, a poor fisherman lived with his wife in a small hut beside the sea. "
        "Every morning he rowed out before sunrise and cast his net into the cold water. "
        "One day, after many empty hours, he pulled up a golden fish that could speak. "
        '"Please let me go," said the fish, "and I will give you whatever you wish." '
        "The fisherman was a kind man, so he set the fish free without asking for anything. "
        "When he came home, his wife was angry and sent him back to the shore. "
        "In 1998, the village still told this story to its children. "
        "Be content with what you have."
    ),
    "hi": (
        "बहुत समय पहले, एक गरीब मछुआरा अपनी पत्नी के साथ समुद्र के किनारे एक छोटी सी झोपड़ी में रहता था। "
        "हर सुबह वह सूरज निकलने से पहले नाव लेकर जाता और ठंडे पानी में अपना जाल डालता। "
        "एक दिन, कई खाली घंटों के बाद, उसने एक सुनहरी मछली पकड़ी जो बोल सकती थी। "
        'मछली ने कहा, "कृपया मुझे छोड़ दो, मैं तुम्हारी हर इच्छा पूरी करूँगी।" '
        "मछुआरा एक दयालु आदमी था, इसलिए उसने बिना कुछ माँगे मछली को छोड़ दिया। "
        "जब वह घर आया, तो उसकी पत्नी नाराज़ हुई और उसे वापस किनारे पर भेज दिया। "
        "1998 में भी गाँव के लोग यह कहानी अपने बच्चों को सुनाते थे। "
        "जो तुम्हारे पास है, उसी में संतुष्ट रहो।"
    ),
    "mr": (
        "खूप वर्षांपूर्वी, एक गरीब कोळी आपल्या बायकोसोबत समुद्रकिनारी एका लहान झोपडीत राहत होता. "
        "रोज सकाळी तो सूर्योदयापूर्वी होडी घेऊन जायचा आणि थंड पाण्यात जाळे टाकायचा. "
        "एके दिवशी, अनेक रिकाम्या तासांनंतर, त्याला बोलणारा एक सोनेरी मासा सापडला. "
        'मासा म्हणाला, "कृपया मला सोडून दे, मी तुझी प्रत्येक इच्छा पूर्ण करीन." '
        "कोळी दयाळू माणूस होता, म्हणून त्याने काहीही न मागता माशाला सोडून दिले. "
        "तो घरी आला तेव्हा त्याची बायको रागावली आणि तिने त्याला परत किनाऱ्यावर पाठवले. "
        "1998 मध्येही गावातील लोक ही गोष्ट आपल्या मुलांना सांगत होते. "
        "जे आहे त्यात समाधानी राहा."
    ),
    "ta": (
        "வெகு காலத்திற்கு முன்பு, ஒரு ஏழை மீனவன் தன் மனைவியுடன் கடற்கரையில் ஒரு சிறிய குடிசையில் வாழ்ந்து வந்தான். "
        "ஒவ்வொரு காலையும் அவன் சூரியன் உதிக்கும் முன் படகில் சென்று குளிர்ந்த நீரில் வலையை வீசுவான். "
        "ஒரு நாள், பல மணி நேரம் எதுவும் கிடைக்காத பிறகு, பேசக்கூடிய ஒரு தங்க மீனை அவன் பிடித்தான். "
        '"தயவுசெய்து என்னை விட்டுவிடு, நீ விரும்பியதை எல்லாம் தருவேன்," என்றது மீன். '
        "மீனவன் இரக்கமுள்ளவன், அதனால் எதுவும் கேட்காமல் மீனை விடுவித்தான். "
        "அவன் வீட்டுக்கு வந்தபோது, அவன் மனைவி கோபப்பட்டு அவனை மீண்டும் கரைக்கு அனுப்பினாள். "
        "1998 ஆம் ஆண்டிலும் கிராம மக்கள் இந்தக் கதையைத் தங்கள் குழந்தைகளுக்குச் சொன்னார்கள். "
        "உன்னிடம் இருப்பதில் திருப்தியாக இரு."
    ),
    "te": (
        "చాలా కాలం క్రితం, ఒక పేద జాలరి తన భార్యతో కలిసి సముద్ర తీరంలో ఒక చిన్న గుడిసెలో నివసించేవాడు. "
        "ప్రతి ఉదయం అతను సూర్యోదయానికి ముందే పడవలో వెళ్లి చల్లని నీటిలో వల విసిరేవాడు. "
        "ఒక రోజు, చాలా గంటలు ఏమీ దొరకని తర్వాత, మాట్లాడగల ఒక బంగారు చేప అతనికి దొరికింది. "
        '"దయచేసి నన్ను వదిలేయి, నువ్వు కోరుకున్నదంతా ఇస్తాను," అని చేప అంది. '
        "జాలరి దయగలవాడు, అందుకే ఏమీ అడగకుండా చేపను వదిలేశాడు. "
        "అతను ఇంటికి వచ్చినప్పుడు, అతని భార్య కోపంతో అతన్ని మళ్ళీ ఒడ్డుకు పంపింది. "
        "1998 లో కూడా గ్రామ ప్రజలు ఈ కథను తమ పిల్లలకు చెప్పేవారు. "
        "నీ దగ్గర ఉన్న దానితో తృప్తిగా ఉండు."
    ),
    "kn": (
        "ಬಹಳ ಹಿಂದೆ, ಒಬ್ಬ ಬಡ ಬೆಸ್ತನು ತನ್ನ ಹೆಂಡತಿಯೊಂದಿಗೆ ಸಮುದ್ರದ ದಡದಲ್ಲಿ ಒಂದು ಸಣ್ಣ ಗುಡಿಸಲಿನಲ್ಲಿ ವಾಸಿಸುತ್ತಿದ್ದನು. "
        "ಪ್ರತಿದಿನ ಬೆಳಿಗ್ಗೆ ಅವನು ಸೂರ್ಯೋದಯಕ್ಕೆ ಮುಂಚೆ ದೋಣಿಯಲ್ಲಿ ಹೋಗಿ ತಣ್ಣನೆಯ ನೀರಿಗೆ ಬಲೆ ಬೀಸುತ್ತಿದ್ದನು. "
        "ಒಂದು ದಿನ, ಹಲವು ಗಂಟೆಗಳ ನಂತರ, ಮಾತನಾಡಬಲ್ಲ ಒಂದು ಚಿನ್ನದ ಮೀನು ಅವನಿಗೆ ಸಿಕ್ಕಿತು. "
        '"ದಯವಿಟ್ಟು ನನ್ನನ್ನು ಬಿಟ್ಟುಬಿಡು, ನೀನು ಬಯಸಿದ್ದನ್ನೆಲ್ಲಾ ಕೊಡುತ್ತೇನೆ," ಎಂದು ಮೀನು ಹೇಳಿತು. '
        "ಬೆಸ್ತನು ದಯಾಳುವಾಗಿದ್ದನು, ಆದ್ದರಿಂದ ಏನನ್ನೂ ಕೇಳದೆ ಮೀನನ್ನು ಬಿಟ್ಟನು. "
        "ಅವನು ಮನೆಗೆ ಬಂದಾಗ, ಅವನ ಹೆಂಡತಿ ಕೋಪಗೊಂಡು ಅವನನ್ನು ಮತ್ತೆ ದಡಕ್ಕೆ ಕಳುಹಿಸಿದಳು. "
        "1998 ರಲ್ಲೂ ಹಳ್ಳಿಯ ಜನರು ಈ ಕಥೆಯನ್ನು ತಮ್ಮ ಮಕ್ಕಳಿಗೆ ಹೇಳುತ್ತಿದ್ದರು. "
        "ನಿನ್ನ ಬಳಿ ಇರುವುದರಲ್ಲಿ ತೃಪ್ತಿಯಿಂದಿರು."
    ),
    "ml": (
        "വളരെക്കാലം മുമ്പ്, ഒരു പാവപ്പെട്ട മുക്കുവൻ തന്റെ ഭാര്യയോടൊപ്പം കടൽത്തീരത്ത് ഒരു ചെറിയ കുടിലിൽ താമസിച്ചിരുന്നു. "
        "എല്ലാ ദിവസവും രാവിലെ സൂര്യോദയത്തിന് മുമ്പ് അവൻ വള്ളത്തിൽ പോയി തണുത്ത വെള്ളത്തിൽ വല വീശുമായിരുന്നു. "
        "ഒരു ദിവസം, ഒരുപാട് മണിക്കൂറുകൾക്ക് ശേഷം, സംസാരിക്കുന്ന ഒരു സ്വർണ്ണമത്സ്യം അവന് കിട്ടി. "
        '"ദയവായി എന്നെ വിട്ടയക്കൂ, നീ ആഗ്രഹിക്കുന്നതെല്ലാം ഞാൻ തരാം," എന്ന് മത്സ്യം പറഞ്ഞു. '
        "മുക്കുവൻ ദയയുള്ളവനായിരുന്നു, അതിനാൽ ഒന്നും ചോദിക്കാതെ അവൻ മത്സ്യത്തെ വിട്ടയച്ചു. "
        "അവൻ വീട്ടിൽ എത്തിയപ്പോൾ, ഭാര്യ ദേഷ്യപ്പെട്ട് അവനെ വീണ്ടും കടൽത്തീരത്തേക്ക് അയച്ചു. "
        "1998 ലും ഗ്രാമവാസികൾ ഈ കഥ തങ്ങളുടെ കുട്ടികളോട് പറഞ്ഞിരുന്നു. "
        "നിനക്കുള്ളതിൽ തൃപ്തനായിരിക്കുക."
    ),
    "bn": (
        "অনেক দিন আগে, এক গরিব জেলে তার স্ত্রীর সঙ্গে সমুদ্রের ধারে একটি ছোট কুঁড়েঘরে থাকত। "
        "প্রতিদিন সকালে সূর্য ওঠার আগে সে নৌকা নিয়ে যেত এবং ঠান্ডা জলে জাল ফেলত। "
        "একদিন, অনেক ঘণ্টা খালি হাতে থাকার পর, সে একটি সোনালি মাছ ধরল যে কথা বলতে পারত। "
        'মাছটি বলল, "দয়া করে আমাকে ছেড়ে দাও, তুমি যা চাইবে আমি তাই দেব।" '
        "জেলে দয়ালু মানুষ ছিল, তাই কিছু না চেয়েই সে মাছটিকে ছেড়ে দিল। "
        "সে যখন বাড়ি ফিরল, তার স্ত্রী রেগে গিয়ে তাকে আবার সমুদ্রের ধারে পাঠাল। "
        "1998 সালেও গ্রামের লোকেরা তাদের ছেলেমেয়েদের এই গল্প শোনাত। "
        "যা আছে তাতেই সন্তুষ্ট থাকো।"
    ),
    "gu": (
        "ઘણા સમય પહેલાં, એક ગરીબ માછીમાર તેની પત્ની સાથે દરિયાકિનારે એક નાની ઝૂંપડીમાં રહેતો હતો. "
        "દરરોજ સવારે તે સૂર્યોદય પહેલાં હોડી લઈને જતો અને ઠંડા પાણીમાં જાળ નાખતો. "
        "એક દિવસ, ઘણા કલાકો પછી, તેને બોલી શકે એવી એક સોનેરી માછલી મળી. "
        'માછલીએ કહ્યું, "કૃપા કરીને મને છોડી દો, તમે જે માગશો તે હું આપીશ." '
        "માછીમાર દયાળુ માણસ હતો, તેથી તેણે કંઈ માગ્યા વગર માછલીને છોડી દીધી. "
        "જ્યારે તે ઘરે આવ્યો, ત્યારે તેની પત્ની ગુસ્સે થઈ અને તેને પાછો દરિયાકિનારે મોકલ્યો. "
        "1998 માં પણ ગામના લોકો આ વાર્તા તેમનાં બાળકોને કહેતા હતા. "
        "તમારી પાસે જે છે તેમાં સંતોષ રાખો."
    ),
    "pa": (
        "ਬਹੁਤ ਸਮਾਂ ਪਹਿਲਾਂ, ਇੱਕ ਗਰੀਬ ਮਛੇਰਾ ਆਪਣੀ ਪਤਨੀ ਨਾਲ ਸਮੁੰਦਰ ਦੇ ਕੰਢੇ ਇੱਕ ਛੋਟੀ ਜਿਹੀ ਝੌਂਪੜੀ ਵਿੱਚ ਰਹਿੰਦਾ ਸੀ। "
        "ਹਰ ਸਵੇਰ ਉਹ ਸੂਰਜ ਚੜ੍ਹਨ ਤੋਂ ਪਹਿਲਾਂ ਕਿਸ਼ਤੀ ਲੈ ਕੇ ਜਾਂਦਾ ਅਤੇ ਠੰਢੇ ਪਾਣੀ ਵਿੱਚ ਜਾਲ ਸੁੱਟਦਾ। "
        "ਇੱਕ ਦਿਨ, ਕਈ ਘੰਟਿਆਂ ਬਾਅਦ, ਉਸ ਨੂੰ ਇੱਕ ਸੁਨਹਿਰੀ ਮੱਛੀ ਮਿਲੀ ਜੋ ਬੋਲ ਸਕਦੀ ਸੀ। "
        'ਮੱਛੀ ਨੇ ਕਿਹਾ, "ਕਿਰਪਾ ਕਰਕੇ ਮੈਨੂੰ ਛੱਡ ਦਿਓ, ਮੈਂ ਤੁਹਾਡੀ ਹਰ ਇੱਛਾ ਪੂਰੀ ਕਰਾਂਗੀ।" '
        "ਮਛੇਰਾ ਦਿਆਲੂ ਆਦਮੀ ਸੀ, ਇਸ ਲਈ ਉਸ ਨੇ ਬਿਨਾਂ ਕੁਝ ਮੰਗੇ ਮੱਛੀ ਨੂੰ ਛੱਡ ਦਿੱਤਾ। "
        "ਜਦੋਂ ਉਹ ਘਰ ਆਇਆ, ਤਾਂ ਉਸ ਦੀ ਪਤਨੀ ਗੁੱਸੇ ਹੋਈ ਅਤੇ ਉਸ ਨੂੰ ਵਾਪਸ ਕੰਢੇ ਭੇਜ ਦਿੱਤਾ। "
        "1998 ਵਿੱਚ ਵੀ ਪਿੰਡ ਦੇ ਲੋਕ ਇਹ ਕਹਾਣੀ ਆਪਣੇ ਬੱਚਿਆਂ ਨੂੰ ਸੁਣਾਉਂਦੇ ਸਨ। "
        "ਜੋ ਤੁਹਾਡੇ ਕੋਲ ਹੈ, ਉਸੇ ਵਿੱਚ ਸੰਤੁਸ਼ਟ ਰਹੋ।"
    ),
    "es": (
        "Hace mucho tiempo, un pescador pobre vivía con su esposa en una pequeña cabaña junto al mar. "
        "Cada mañana salía a remar antes del amanecer y echaba su red en el agua fría. "
        "Un día, después de muchas horas vacías, sacó un pez dorado que podía hablar. "
        '"Por favor, déjame ir," dijo el pez, "y te daré todo lo que desees." '
        "El pescador era un hombre bondadoso, así que liberó al pez sin pedir nada. "
        "Cuando llegó a casa, su esposa se enfadó y lo mandó de vuelta a la orilla. "
        "En 1998, el pueblo todavía contaba esta historia a sus niños. "
        "Conténtate con lo que tienes."
    ),
    "fr": (
        "Il y a bien longtemps, un pauvre pêcheur vivait avec sa femme dans une petite cabane au bord de la mer. "
        "Chaque matin, il partait ramer avant le lever du soleil et jetait son filet dans l'eau froide. "
        "Un jour, après de longues heures sans rien, il remonta un poisson doré qui savait parler. "
        "« Je t'en prie, laisse-moi partir, » dit le poisson, « et je te donnerai tout ce que tu souhaites. » "
        "Le pêcheur était un homme bon, alors il libéra le poisson sans rien demander. "
        "Quand il rentra chez lui, sa femme se fâcha et le renvoya au rivage. "
        "En 1998, le village racontait encore cette histoire à ses enfants. "
        "Contente-toi de ce que tu as."
    ),
    "de": (
        "Vor langer Zeit lebte ein armer Fischer mit seiner Frau in einer kleinen Hütte am Meer. "
        "Jeden Morgen ruderte er vor Sonnenaufgang hinaus und warf sein Netz ins kalte Wasser. "
        "Eines Tages, nach vielen leeren Stunden, zog er einen goldenen Fisch heraus, der sprechen konnte. "
        "„Bitte lass mich frei“, sagte der Fisch, „und ich gebe dir alles, was du dir wünschst.“ "
        "Der Fischer war ein gütiger Mann, also ließ er den Fisch frei, ohne etwas zu verlangen. "
        "Als er nach Hause kam, wurde seine Frau wütend und schickte ihn zurück ans Ufer. "
        "Im Jahr 1998 erzählte das Dorf diese Geschichte noch immer seinen Kindern. "
        "Sei zufrieden mit dem, was du hast."
    ),
    "it": (
        "Tanto tempo fa, un povero pescatore viveva con sua moglie in una piccola capanna vicino al mare. "
        "Ogni mattina remava al largo prima dell'alba e gettava la sua rete nell'acqua fredda. "
        "Un giorno, dopo molte ore vuote, tirò su un pesce d'oro che sapeva parlare. "
        '"Ti prego, lasciami andare," disse il pesce, "e ti darò tutto ciò che desideri." '
        "Il pescatore era un uomo buono, così liberò il pesce senza chiedere nulla. "
        "Quando tornò a casa, sua moglie si arrabbiò e lo rimandò alla riva. "
        "Nel 1998, il villaggio raccontava ancora questa storia ai suoi bambini. "
        "Accontentati di ciò che hai."
    ),
    "pt": (
        "Há muito tempo, um pescador pobre vivia com a sua mulher numa pequena cabana à beira-mar. "
        "Todas as manhãs remava antes do nascer do sol e lançava a sua rede na água fria. "
        "Um dia, depois de muitas horas vazias, apanhou um peixe dourado que sabia falar. "
        '"Por favor, deixa-me ir," disse o peixe, "e eu dou-te tudo o que desejares." '
        "O pescador era um homem bondoso, por isso libertou o peixe sem pedir nada. "
        "Quando chegou a casa, a mulher zangou-se e mandou-o de volta para a praia. "
        "Em 1998, a aldeia ainda contava esta história às suas crianças. "
        "Contenta-te com o que tens."
    ),
}
"""A passage of eight sentences per language code."""
